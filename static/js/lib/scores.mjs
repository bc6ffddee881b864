// Summary scores in the browser (no DOM, no globals), from the same declarative definitions
// and to the same display as coding/scores.py, so the tally and the scores beside it change
// together; the server's tally stays the check. tests/fixtures/score_cases.json holds cases
// that both this module and coding/scores.py are tested against.
//
// A definition is the scheme's: {slug, type: "sum", of: [abbr…]}, {type: "ratio", numerator,
// denominator, percent}, {type: "mean", of: [global slug…]}, with the agency's fair and good.

export const BELOW_FAIR = "below_fair";
export const FAIR = "fair";
export const GOOD = "good";
export const BAND_LABELS = Object.freeze({ [BELOW_FAIR]: "Below fair", [FAIR]: "Fair", [GOOD]: "Good" });

function sumCounts(counts, abbreviations) {
  return abbreviations.reduce((total, abbreviation) => total + (Math.trunc(Number(counts[abbreviation])) || 0), 0);
}

// One summary score; null where it is undefined (a zero denominator, a missing global).
export function summaryScore(definition, counts, globals) {
  switch (definition.type) {
    case "sum":
      return sumCounts(counts, definition.of);
    case "ratio": {
      const denominator = sumCounts(counts, definition.denominator);
      if (denominator === 0) return null;
      const value = sumCounts(counts, definition.numerator) / denominator;
      return definition.percent ? value * 100 : value;
    }
    case "mean": {
      const values = definition.of.map((slug) => globals[slug]);
      if (!values.length || values.some((value) => value === null || value === undefined)) return null;
      return values.reduce((total, value) => total + Number(value), 0) / values.length;
    }
    default:
      throw new Error("unknown summary score type " + JSON.stringify(definition.type));
  }
}

// Where a value stands against the thresholds; null when undefined or without thresholds.
export function band(value, fair, good) {
  const hasFair = fair !== null && fair !== undefined;
  const hasGood = good !== null && good !== undefined;
  if (value === null || value === undefined || (!hasFair && !hasGood)) return null;
  if (hasGood && value >= good) return GOOD;
  if (hasFair && value >= fair) return FAIR;
  return BELOW_FAIR;
}

// `value` with `digits` decimals as Python's format(value, ".Nf") writes it: the exact binary
// value rounded half to even. toFixed rounds exact ties (0.125, 2.5) up instead, so a tie,
// seen in the exact decimal expansion, is settled here.
export function toFixedHalfEven(value, digits) {
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const magnitude = Math.abs(value);
  const rounded = magnitude.toFixed(digits);
  const exact = magnitude.toFixed(100);
  const point = exact.indexOf(".");
  const rest = exact.slice(point + 1 + digits);
  if (/^50*$/.test(rest)) {
    const kept = exact.slice(0, digits ? point + 1 + digits : point);
    if (Number(kept[kept.length - 1]) % 2 === 0) return sign + kept;
  }
  return sign + rounded;
}

// A score for display, by coding/scores.py's rule: "—" where undefined, a percentage as a
// whole percent, a count ("sum") as a whole number, anything else with two decimals.
export function formatScore(value, { percent = false, type = "ratio" } = {}) {
  if (value === null || value === undefined) return "—";
  if (percent) return toFixedHalfEven(value, 0) + "%";
  if (type === "sum" && Number.isInteger(value)) return toFixedHalfEven(value, 0);
  return toFixedHalfEven(value, 2);
}

// Every definition's row as the server's tally answers it: {slug, value, display, band,
// band_label}, in the definitions' order.
export function scoreRows(definitions, counts, globals) {
  return definitions.map((definition) => {
    const value = summaryScore(definition, counts, globals);
    const where = band(value, definition.fair, definition.good);
    return {
      slug: definition.slug,
      value,
      display: formatScore(value, { percent: Boolean(definition.percent), type: definition.type }),
      band: where,
      band_label: where ? BAND_LABELS[where] : "",
    };
  });
}
