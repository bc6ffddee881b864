// Which suggestions the selected utterance shows and what the two keys accept.
import { test } from "node:test";
import assert from "node:assert/strict";

import { percent, shownSuggestions, suggestionsAbove, topSuggestion } from "../../static/js/lib/suggestions.mjs";

// A multi-code dimension (10) and a single-code one (20).
const codesById = new Map([
  [1, { id: 1, dim: 10, multiple: true }],
  [2, { id: 2, dim: 10, multiple: true }],
  [3, { id: 3, dim: 10, multiple: true }],
  [4, { id: 4, dim: 20, multiple: false }],
  [5, { id: 5, dim: 20, multiple: false }],
]);

test("the shown suggestions are the likeliest codes not already set", () => {
  const ranked = [[1, 0.9], [2, 0.6], [3, 0.3], [4, 0.1]];
  assert.deepEqual(shownSuggestions(ranked, new Set([1])), [[2, 0.6], [3, 0.3], [4, 0.1]]);
  assert.deepEqual(shownSuggestions(ranked, new Set(), 2), [[1, 0.9], [2, 0.6]]);
  assert.deepEqual(shownSuggestions(undefined, new Set()), []);
});

test("the top suggestion skips a code already set and is null when none is left", () => {
  assert.equal(topSuggestion([[1, 0.9], [2, 0.6]], new Set()), 1);
  assert.equal(topSuggestion([[1, 0.9], [2, 0.6]], new Set([1])), 2);
  assert.equal(topSuggestion([[1, 0.9]], new Set([1])), null);
  assert.equal(topSuggestion(undefined, new Set()), null);
});

test("accept-all takes every code at or above the threshold", () => {
  const ranked = [[1, 0.8], [2, 0.5], [3, 0.49]];
  assert.deepEqual(suggestionsAbove(ranked, new Set(), 0.5, codesById), [1, 2]);
  assert.deepEqual(suggestionsAbove(ranked, new Set([1]), 0.5, codesById), [2]);
  assert.deepEqual(suggestionsAbove(ranked, new Set(), 0.9, codesById), []);
});

test("accept-all takes one code of a single-code dimension, the likeliest", () => {
  const ranked = [[4, 0.5], [1, 0.45], [5, 0.45]];
  assert.deepEqual(suggestionsAbove(ranked, new Set(), 0.4, codesById), [4, 1]);
});

test("an unknown code is never accepted", () => {
  assert.deepEqual(suggestionsAbove([[99, 1]], new Set(), 0.1, codesById), []);
});

test("probabilities show as whole percentages", () => {
  assert.equal(percent(0.823), "82%");
  assert.equal(percent(1), "100%");
  assert.equal(percent(0.004), "<1%");
});
