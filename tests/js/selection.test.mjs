// Moving through utterances (or disagreements): skipping what a move may not land on.
import { test } from "node:test";
import assert from "node:assert/strict";

import { first, idFromHash, startIndex, step } from "../../static/js/lib/selection.mjs";

// Practitioner, client, practitioner, client, other, practitioner.
const roles = ["practitioner", "client", "practitioner", "client", "other", "practitioner"];
const codable = (index) => roles[index] === "practitioner";

test("moving skips utterances no code applies to", () => {
  assert.equal(step(0, 1, roles.length, codable), 2);
  assert.equal(step(2, 1, roles.length, codable), 5);
  assert.equal(step(5, -1, roles.length, codable), 2);
  assert.equal(step(2, 1, roles.length), 3, "without a rule every utterance counts");
});

test("moving stops at the ends rather than wrapping", () => {
  assert.equal(step(5, 1, roles.length, codable), -1);
  assert.equal(step(0, -1, roles.length, codable), -1);
  assert.equal(step(3, 1, 4, codable), -1, "no codable utterance below");
});

test("from no selection a move starts at the top or the bottom", () => {
  assert.equal(step(-1, 1, roles.length, codable), 0);
  assert.equal(step(-1, -1, roles.length, codable), 5);
  assert.equal(step(-1, 1, 0, codable), -1);
});

test("wrapping goes round and never lands on where it started", () => {
  const undecided = new Set([1, 4]);
  const open = (index) => undecided.has(index);
  assert.equal(step(4, 1, 6, open, { wrap: true }), 1);
  assert.equal(step(1, -1, 6, open, { wrap: true }), 4);
  assert.equal(step(1, 1, 6, (index) => index === 1, { wrap: true }), -1);
  assert.equal(step(-1, -1, 6, open, { wrap: true }), 4);
});

test("the first utterance a code applies to", () => {
  assert.equal(first(roles.length, (index) => roles[index] === "other"), 4);
  assert.equal(first(roles.length, () => false), 0);
});

test("a page opens on the address's utterance, else the last one, else the first codable", () => {
  const ids = [11, 12, 13, 14, 15, 16];
  const indexOf = (id) => (ids.includes(id) ? ids.indexOf(id) : undefined);
  const start = (hashId, storedId) => startIndex({ hashId, storedId, indexOf, count: ids.length, accepts: (i) => i >= 2 });
  assert.equal(start(14, 12), 3);
  assert.equal(start(null, 12), 1);
  assert.equal(start(99, 12), 1, "an unknown id in the address falls back to the last one");
  assert.equal(start(null, 99), 2, "an utterance no longer there falls back to the first codable");
  assert.equal(start(null, null), 2);
  assert.equal(startIndex({ indexOf, count: 0 }), -1);
});

test("ids from the address", () => {
  assert.equal(idFromHash("#u42"), 42);
  assert.equal(idFromHash("#u"), null);
  assert.equal(idFromHash("#x42"), null);
  assert.equal(idFromHash(""), null);
});
