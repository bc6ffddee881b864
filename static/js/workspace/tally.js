// The side panel's tally, progress and summary scores. The counts change with every change;
// the scores come from the server's tally, read once the queue is empty.

function setText(element, text) {
  if (element && element.textContent !== text) element.textContent = text;
}

export function createTally({ codes, state }) {
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
    // Redraw one code's count (or every count) and the progress.
    update(codeId = null) {
      (codeId === null ? codes.map((code) => code.id) : [codeId]).forEach((id) => {
        setText(countCells.get(id), String(state.counts.get(id) || 0));
      });
      if (progress && progress.value !== state.coded) progress.value = state.coded;
      setText(codedEl, String(state.coded));
    },
    // The server's word: its counts replace ours, and its scores are shown as it sent them.
    adopt(data) {
      codes.forEach((code) => state.counts.set(code.id, data.counts[code.abbr] || 0));
      codes.forEach((code) => setText(countCells.get(code.id), String(state.counts.get(code.id))));
      showScores(data.scores);
    },
  };
}
