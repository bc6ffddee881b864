// Suggested codes (no DOM, no globals): what the selected utterance shows and what each of the
// two keys accepts. `ranked` is one utterance's suggestions as the server sends them,
// [[codeId, probability], …] highest first; `held` the set of code ids already on it; a code
// is {id, dim, multiple}. Nothing here applies a code: the page does, after a key press.

// How many suggestions the selected utterance shows.
export const SHOWN = 3;

// The suggestions worth showing: the likeliest codes not already set, at most `limit`.
export function shownSuggestions(ranked, held, limit = SHOWN) {
  return (ranked || []).filter(([id]) => !held.has(id)).slice(0, limit);
}

// The one key: the likeliest code not already set, or null.
export function topSuggestion(ranked, held) {
  const [first] = shownSuggestions(ranked, held, 1);
  return first ? first[0] : null;
}

// The other key: every code at or above `threshold` not already set; in a single-code
// dimension only the likeliest of them, since it takes one code.
export function suggestionsAbove(ranked, held, threshold, codesById) {
  const taken = new Set();
  const chosen = [];
  (ranked || []).forEach(([id, probability]) => {
    const code = codesById.get(id);
    if (!code || probability < threshold || held.has(id)) return;
    if (!code.multiple) {
      if (taken.has(code.dim)) return;
      taken.add(code.dim);
    }
    chosen.push(id);
  });
  return chosen;
}

// A probability as the page shows it: "82%", "<1%" for what rounds to nothing.
export function percent(probability) {
  const value = Math.round(probability * 100);
  return value < 1 ? "<1%" : value + "%";
}
