// Moving a selection through a list by index (no DOM, no globals): the workspace's utterances,
// the adjudication's disagreements. `accepts(index)` says which entries a move may land on
// (an utterance some code applies to, a disagreement still undecided).

const everything = () => true;

// The index `delta` steps away (±1) from `current` that `accepts` takes, or -1 when there is
// none. From no selection (-1) a step forward starts at the top, a step back at the bottom.
// With `wrap` the search goes round the ends (never landing on `current` itself).
export function step(current, delta, count, accepts = everything, { wrap = false } = {}) {
  if (!count || !delta) return -1;
  const direction = delta > 0 ? 1 : -1;
  const from = current < 0 || current >= count ? (direction > 0 ? -1 : count) : current;
  for (let moved = 1; moved <= count; moved += 1) {
    let index = from + direction * moved;
    if (index < 0 || index >= count) {
      if (!wrap) return -1;
      index = ((index % count) + count) % count;
    }
    if (index === current) return -1;
    if (accepts(index)) return index;
  }
  return -1;
}

// The first index `accepts` takes, or 0 (the first entry) when it takes none.
export function first(count, accepts = everything) {
  for (let index = 0; index < count; index += 1) if (accepts(index)) return index;
  return 0;
}

// Where a page opens: the entry named in the address (#u<id>) wins, then the one the user was
// on last time, then the first `accepts` takes. `indexOf(id)` answers undefined for unknown ids.
export function startIndex({ hashId = null, storedId = null, indexOf, count, accepts = everything }) {
  for (const id of [hashId, storedId]) {
    if (id === null || id === undefined) continue;
    const index = indexOf(id);
    if (index !== undefined && index >= 0 && index < count) return index;
  }
  return count ? first(count, accepts) : -1;
}

// `#u123` → 123; anything else → null.
export function idFromHash(hash, prefix = "u") {
  const match = new RegExp("^#" + prefix + "(\\d+)$").exec(hash || "");
  return match ? Number(match[1]) : null;
}
