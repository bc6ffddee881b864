// Suggested codes in the workspace: read once the page is usable, shown on the selected
// utterance only (dashed and faint, unlike the codes set), applied only by a key press.
// Whether any may be shown is the server's rule; where it refuses, this shows nothing.

import { percent, shownSuggestions, suggestionsAbove, topSuggestion } from "../lib/suggestions.mjs";

export function createSuggestions({ url, codesById, held, onLoad }) {
  let ranked = new Map();
  let threshold = 1;
  let box = null;

  function load() {
    if (!url) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data || !data.enabled) return;
        threshold = data.threshold;
        ranked = new Map(Object.entries(data.utterances).map(([id, list]) => [Number(id), list]));
        onLoad();
      })
      .catch(() => {});
  }

  // Draw the suggestions of the utterance `li` (id `id`); clears those drawn before.
  function render(li, id) {
    if (box) box.remove();
    box = null;
    const list = shownSuggestions(ranked.get(id), held(id));
    if (!li || !list.length) return;
    box = document.createElement("div");
    box.className = "ws-suggestions small";
    const label = document.createElement("span");
    label.className = "ws-suggestions-label";
    label.textContent = "Suggested (S top, A all ≥ " + percent(threshold) + "):";
    box.append(label);
    list.forEach(([codeId, probability]) => {
      const code = codesById.get(codeId);
      const badge = document.createElement("span");
      badge.className = "suggest-badge";
      badge.dataset.suggested = String(codeId);
      badge.title = code.name + ", suggested with probability " + percent(probability);
      badge.textContent = code.abbr + " " + percent(probability);
      box.append(badge);
    });
    li.append(box);
  }

  return {
    load,
    render,
    has: (id) => ranked.has(id),
    top: (id) => topSuggestion(ranked.get(id), held(id)),
    above: (id) => suggestionsAbove(ranked.get(id), held(id), threshold, codesById),
    probability(id, codeId) {
      const found = (ranked.get(id) || []).find(([candidate]) => candidate === codeId);
      return found ? found[1] : null;
    },
  };
}
