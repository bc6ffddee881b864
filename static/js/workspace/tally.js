// The side panel's tally, progress and summary scores. The scores are computed here from the
// scheme's definitions (the agency's thresholds applied) with every change, so they never
// contradict the counts beside them; the server's tally, read once the queue is empty, is the
// check and wins where it differs.

import { scoreRows } from "../lib/scores.mjs";

function setText(element, text) {
  if (element && element.textContent !== text) element.textContent = text;
}

export function createTally({ codes, definitions, state, globalValues }) {
  const countCells = new Map(codes.map((code) => [code.id, document.getElementById("count-" + code.id)]));
  const progress = document.getElementById("ws-progress");
  const codedEl = document.getElementById("ws-coded");
  const scoreCells = new Map();
  document.querySelectorAll("tr[data-score]").forEach((row) => {
    scoreCells.set(row.dataset.score, { value: row.querySelector(".score-value"), band: row.querySelector(".band") });
  });

  function showScores(rows) {
    rows.forEach((row) => {
      const cells = scoreCells.get(row.slug);
      if (!cells) return;
      setText(cells.value, row.display);
      const className = "band band-" + (row.band || "none");
      if (cells.band.className !== className) cells.band.className = className;
      setText(cells.band, row.band_label);
    });
  }

  return {
    // Redraw one code's count (or every count), the progress and the scores.
    update(codeId = null) {
      (codeId === null ? codes.map((code) => code.id) : [codeId]).forEach((id) => {
        setText(countCells.get(id), String(state.counts.get(id) || 0));
      });
      if (progress && progress.value !== state.coded) progress.value = state.coded;
      setText(codedEl, String(state.coded));
      showScores(scoreRows(definitions, state.countsByAbbreviation(codes), globalValues()));
    },
    // The server's word: its counts replace ours, and its scores are shown as it sent them.
    adopt(data) {
      codes.forEach((code) => state.counts.set(code.id, data.counts[code.abbr] || 0));
      codes.forEach((code) => setText(countCells.get(code.id), String(state.counts.get(code.id))));
      showScores(data.scores);
    },
  };
}
