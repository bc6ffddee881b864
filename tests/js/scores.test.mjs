// static/js/lib/scores.mjs gives what coding/scores.py gives on tests/fixtures/score_cases.json
// (tests/coding/test_score_cases.py holds the server to the same file).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { BAND_LABELS, band, formatScore, scoreRows, summaryScore, toFixedHalfEven } from "../../static/js/lib/scores.mjs";

const cases = JSON.parse(readFileSync(new URL("../fixtures/score_cases.json", import.meta.url), "utf-8"));

for (const item of cases.cases) {
  test("same scores as the server: " + item.name, () => {
    assert.deepEqual(scoreRows(item.definitions, item.counts, item.globals), item.expected);
  });
}

test("same display as the server for every shared value, rounding ties included", () => {
  const shown = cases.formats.map((f) => [
    f.value,
    f.type,
    formatScore(f.value, { percent: f.percent, type: f.type }),
  ]);
  assert.deepEqual(
    shown,
    cases.formats.map((f) => [f.value, f.type, f.display])
  );
});

test("band labels are the server's", () => {
  assert.deepEqual({ ...BAND_LABELS }, cases.band_labels);
});

test("an exact tie rounds half to even, anything else to the nearest", () => {
  assert.equal(toFixedHalfEven(0.125, 2), "0.12");
  assert.equal(toFixedHalfEven(0.375, 2), "0.38");
  assert.equal(toFixedHalfEven(2.5, 0), "2");
  assert.equal(toFixedHalfEven(3.5, 0), "4");
  assert.equal(toFixedHalfEven(2.675, 2), "2.67"); // 2.67499999… in binary
  assert.equal(toFixedHalfEven(1.005, 2), "1.00"); // 1.00499999…
  assert.equal(toFixedHalfEven(2 / 3, 2), "0.67");
  assert.equal(toFixedHalfEven(-0.5, 0), "-0");
});

test("a zero denominator is undefined, never 0, and shows as a dash", () => {
  const ratio = { slug: "r_q", type: "ratio", numerator: ["SR"], denominator: ["Q"], fair: 1, good: 2 };
  assert.equal(summaryScore(ratio, { SR: 3 }, {}), null);
  const [row] = scoreRows([ratio], { SR: 3 }, {});
  assert.deepEqual(row, { slug: "r_q", value: null, display: "—", band: null, band_label: "" });
});

test("a mean needs every global it names", () => {
  const mean = { slug: "technical", type: "mean", of: ["cct", "sst"] };
  assert.equal(summaryScore(mean, {}, { cct: 3 }), null);
  assert.equal(summaryScore(mean, {}, { cct: 3, sst: null }), null);
  assert.equal(summaryScore(mean, {}, { cct: 3, sst: 4 }), 3.5);
});

test("bands need a threshold and a value", () => {
  assert.equal(band(null, 1, 2), null);
  assert.equal(band(5, null, null), null);
  assert.equal(band(2, 1, 2), "good");
  assert.equal(band(1.5, 1, 2), "fair");
  assert.equal(band(0.5, 1, 2), "below_fair");
  assert.equal(band(0.5, null, 2), "below_fair");
});

test("an unknown score type is an error, not a silent number", () => {
  assert.throws(() => summaryScore({ slug: "x", type: "median", of: [] }, {}, {}), /unknown summary score type/);
});
