// The steps one code change takes, and the counts they add up to.
import { test } from "node:test";
import assert from "node:assert/strict";

import { readFileSync } from "node:fs";

import {
  CodingState,
  accepts,
  codeSteps,
  exclusionRule,
  exclusiveIds,
  reverseSteps,
} from "../../static/js/lib/codes.mjs";

// A multi-code practitioner dimension (MITI 4.2.1) and a single-code client dimension (MISC).
const Q = { id: 1, abbr: "Q", dim: 10, multiple: true, speaker: "practitioner" };
const SR = { id: 2, abbr: "SR", dim: 10, multiple: true, speaker: "practitioner" };
const CR = { id: 3, abbr: "CR", dim: 10, multiple: true, speaker: "practitioner" };
const CT = { id: 4, abbr: "R+", dim: 20, multiple: false, speaker: "client" };
const ST = { id: 5, abbr: "R-", dim: 20, multiple: false, speaker: "client" };
const FN = { id: 6, abbr: "FN", dim: 20, multiple: false, speaker: "client" };
const codes = [Q, SR, CR, CT, ST, FN];

test("in a multi-code dimension a code is added beside the others", () => {
  const excludes = exclusionRule(codes);
  assert.deepEqual(codeSteps(new Set([Q.id]), SR, true, excludes), [[SR.id, true]]);
});

test("in a single-code dimension setting a code first clears the other one", () => {
  const excludes = exclusionRule(codes);
  assert.deepEqual(codeSteps(new Set([CT.id]), ST, true, excludes), [
    [CT.id, false],
    [ST.id, true],
  ]);
  assert.deepEqual(codeSteps(new Set(), FN, true, excludes), [[FN.id, true]]);
});

test("declared exclusive codes swap inside a multi-code dimension", () => {
  const excludes = exclusionRule(codes, { exclusive: [[SR.id, CR.id]] });
  assert.deepEqual(codeSteps(new Set([Q.id, SR.id]), CR, true, excludes), [
    [SR.id, false],
    [CR.id, true],
  ]);
  assert.deepEqual(codeSteps(new Set([CR.id]), Q, true, excludes), [[Q.id, true]]);
  assert.deepEqual([...excludes(SR)], [CR.id]);
});

test("the rule is any function of the code", () => {
  const nothingGoesWithQ = (code) => (code.id === Q.id ? new Set([SR.id, CR.id]) : new Set());
  assert.deepEqual(codeSteps(new Set([SR.id, CR.id]), Q, true, nothingGoesWithQ), [
    [SR.id, false],
    [CR.id, false],
    [Q.id, true],
  ]);
});

test("setting a code that is there, or clearing one that is not, takes no step", () => {
  const excludes = exclusionRule(codes);
  assert.deepEqual(codeSteps(new Set([Q.id]), Q, true, excludes), []);
  assert.deepEqual(codeSteps(new Set(), Q, false, excludes), []);
  assert.deepEqual(codeSteps(new Set([Q.id, SR.id]), Q, false, excludes), [[Q.id, false]]);
});

test("undo takes the steps back in reverse order", () => {
  assert.deepEqual(
    reverseSteps([
      [CT.id, false],
      [ST.id, true],
    ]),
    [
      [ST.id, false],
      [CT.id, true],
    ]
  );
});

test("counts and coded utterances follow every applied step", () => {
  const state = new CodingState(
    codes.map((c) => c.id),
    [
      [100, [Q.id]],
      [101, []],
      [102, [CT.id]],
    ]
  );
  assert.equal(state.coded, 2);
  assert.equal(state.apply(101, SR.id, true), true);
  assert.equal(state.apply(101, SR.id, true), false, "already there");
  assert.equal(state.apply(999, SR.id, true), false, "not an utterance of this page");
  assert.equal(state.coded, 3);
  state.apply(100, Q.id, false);
  assert.equal(state.coded, 2);
  assert.deepEqual(state.countsByAbbreviation(codes), { Q: 0, SR: 1, CR: 0, "R+": 1, "R-": 0, FN: 0 });
  assert.deepEqual([...state.held(101)], [SR.id]);
});

test("a code applies to its dimension's speaker, or to anyone", () => {
  assert.equal(accepts(Q, "practitioner"), true);
  assert.equal(accepts(Q, "client"), false);
  assert.equal(accepts({ ...Q, speaker: "any" }, "other"), true);
});

// The shipped MITI 4.2.1 scheme, as the workspace is given it: one dimension, codes numbered
// in their order, the dimension's exclusive sets by abbreviation.
function shippedMiti() {
  const url = new URL("../../coding/shipped_schemes/miti-4.2.1.json", import.meta.url);
  const scheme = JSON.parse(readFileSync(url, "utf-8"));
  const [dimension] = scheme.dimensions;
  const codes = dimension.codes.map((code, index) => ({
    id: index + 1,
    abbr: code.abbreviation,
    dim: 7,
    multiple: dimension.multiple,
    speaker: dimension.speaker,
  }));
  const byAbbr = Object.fromEntries(codes.map((code) => [code.abbr, code]));
  const sets = (dimension.exclusive || []).map((group) => ({ dim: 7, codes: group }));
  return { codes, byAbbr, excludes: exclusionRule(codes, { exclusive: exclusiveIds(codes, sets) }) };
}

test("in MITI 4.2.1 a reflection key swaps SR and CR, and Q stays beside them", () => {
  const { byAbbr, excludes } = shippedMiti();
  const { SR, CR, Q } = byAbbr;
  assert.deepEqual(codeSteps(new Set([CR.id, Q.id]), SR, true, excludes), [
    [CR.id, false],
    [SR.id, true],
  ]);
  assert.deepEqual(codeSteps(new Set([SR.id]), CR, true, excludes), [
    [SR.id, false],
    [CR.id, true],
  ]);
  assert.deepEqual(codeSteps(new Set([SR.id]), Q, true, excludes), [[Q.id, true]]);
});

test("in MITI 4.2.1 Persuade and Persuade with replace each other", () => {
  const { byAbbr, excludes } = shippedMiti();
  const persuade = byAbbr["Persuade"];
  const withPermission = byAbbr["Persuade with"];
  assert.deepEqual(codeSteps(new Set([persuade.id]), withPermission, true, excludes), [
    [persuade.id, false],
    [withPermission.id, true],
  ]);
});

test("exclusive sets map abbreviations of their own dimension only", () => {
  const other = { id: 9, abbr: "SR", dim: 99, multiple: true, speaker: "client" };
  assert.deepEqual(
    exclusiveIds([Q, SR, CR, other], [
      { dim: 10, codes: ["SR", "CR"] },
      { dim: 10, codes: ["SR", "XX"] },
    ]),
    [[SR.id, CR.id]]
  );
});
