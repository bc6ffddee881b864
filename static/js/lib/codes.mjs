// Codes on utterances (no DOM, no globals): which changes one key press makes, and the counts
// they add up to.
//
// A code is {id, abbr, dim, multiple, speaker}. Setting a code may first clear others: which
// ones is the `excludes(code)` rule, a function from a code to the ids it cannot stand beside.
// `exclusionRule` builds it from the scheme: every other code of a single-code dimension, and
// the other members of any declared set of mutually exclusive codes (say SR and CR inside a
// multi-code dimension), so a rule of that kind is configuration, not code.

// codes: every code of the scheme; exclusive: lists of code ids that exclude each other.
export function exclusionRule(codes, { exclusive = [] } = {}) {
  const byDimension = new Map();
  codes.forEach((code) => {
    if (!byDimension.has(code.dim)) byDimension.set(code.dim, []);
    byDimension.get(code.dim).push(code.id);
  });
  const partners = new Map();
  exclusive.forEach((group) => {
    group.forEach((id) => {
      if (!partners.has(id)) partners.set(id, new Set());
      group.forEach((other) => {
        if (other !== id) partners.get(id).add(other);
      });
    });
  });
  return (code) => {
    const out = new Set(partners.get(code.id) || []);
    if (!code.multiple) {
      (byDimension.get(code.dim) || []).forEach((id) => {
        if (id !== code.id) out.add(id);
      });
    }
    return out;
  };
}

// The scheme's exclusive sets ([{dim, codes: [abbreviation, …]}], as the scheme JSON names
// them on a dimension) as lists of code ids, for `exclusionRule`. Abbreviations the page does
// not know are left out; a set left with fewer than two codes excludes nothing.
export function exclusiveIds(codes, sets) {
  const ids = new Map(codes.map((code) => [code.dim + "\u0000" + code.abbr, code.id]));
  return sets
    .map((set) =>
      set.codes.map((abbr) => ids.get(set.dim + "\u0000" + abbr)).filter((id) => id !== undefined)
    )
    .filter((group) => group.length > 1);
}

// The steps, in order, that make `code` present (on) or absent on an utterance that now holds
// the ids in `held`: [[codeId, present], …]; empty when nothing would change.
export function codeSteps(held, code, on, excludes) {
  if (!on) return held.has(code.id) ? [[code.id, false]] : [];
  if (held.has(code.id)) return [];
  const steps = [];
  const excluded = excludes(code);
  held.forEach((id) => {
    if (excluded.has(id)) steps.push([id, false]);
  });
  steps.push([code.id, true]);
  return steps;
}

// The steps that take `steps` back, in reverse order.
export function reverseSteps(steps) {
  return steps
    .slice()
    .reverse()
    .map(([id, on]) => [id, !on]);
}

// Every utterance's codes with the counts per code and the number of utterances coded.
export class CodingState {
  // held: iterable of [utteranceId, iterable of code ids].
  constructor(codeIds, held = []) {
    this.codes = new Map();
    this.counts = new Map();
    codeIds.forEach((id) => this.counts.set(id, 0));
    this.coded = 0;
    for (const [utteranceId, ids] of held) {
      const set = new Set(ids);
      this.codes.set(utteranceId, set);
      set.forEach((id) => this.counts.set(id, (this.counts.get(id) || 0) + 1));
      if (set.size) this.coded += 1;
    }
  }

  held(utteranceId) {
    return this.codes.get(utteranceId) || new Set();
  }

  has(utteranceId) {
    return this.codes.has(utteranceId);
  }

  // Make one code present or absent; true when that changed anything.
  apply(utteranceId, codeId, present) {
    const held = this.codes.get(utteranceId);
    if (!held || held.has(codeId) === present) return false;
    const before = held.size;
    if (present) held.add(codeId);
    else held.delete(codeId);
    this.counts.set(codeId, (this.counts.get(codeId) || 0) + (present ? 1 : -1));
    if (before === 0 && held.size > 0) this.coded += 1;
    if (before > 0 && held.size === 0) this.coded -= 1;
    return true;
  }

  // Counts keyed by abbreviation, as summary-score definitions name codes.
  countsByAbbreviation(codes) {
    const out = {};
    codes.forEach((code) => {
      out[code.abbr] = this.counts.get(code.id) || 0;
    });
    return out;
  }
}

// Whether a code applies to an utterance of `role` (practitioner, client, other).
export function accepts(code, role) {
  return code.speaker === "any" || code.speaker === role;
}
