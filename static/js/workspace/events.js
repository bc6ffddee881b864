// Keys and clicks to the workspace's actions. Which key does what is data (two key maps: one
// for the transcript, one while a global rating has the focus); what an action does is `act`.

import { KeyMap, codeBindings, digitBindings } from "../lib/keymap.mjs";

// The workspace's own keys, bound before the scheme's code keys so they always win; the
// scheme loader refuses code keys among them (coding/schemes.py, RESERVED_KEYS). Code keys are
// stored in lower case, so a capital such as G (for the globals) can never be one.
export const WORKSPACE_KEYS = [
  [["j", "ArrowDown"], { action: "next" }],
  [["k", "ArrowUp"], { action: "previous" }],
  [["J", "Shift+ArrowDown"], { action: "next-any" }],
  [["K", "Shift+ArrowUp"], { action: "previous-any" }],
  [["Home"], { action: "first" }],
  [["End"], { action: "last" }],
  [["?"], { action: "help" }],
  [["n"], { action: "note" }],
  [["z", "Ctrl+z"], { action: "undo" }],
  [["G"], { action: "globals" }],
  [["S"], { action: "suggest-top" }],
  [["A"], { action: "suggest-all" }],
  [["Ctrl+Enter"], { action: "submit" }],
  [[" "], { action: "play" }],
  [["["], { action: "back" }],
  [["]"], { action: "forward" }],
  [["Enter"], { action: "play-from" }],
  [["Escape"], { action: "escape" }],
];

// While a global rating has the focus: digits rate, j/k change scale, Esc or G go back.
export const RATING_KEYS = [
  ...digitBindings(9, (level) => ({ action: "level", level })),
  [["j"], { action: "next-scale" }],
  [["k"], { action: "previous-scale" }],
  [["Backspace", "Delete"], { action: "clear-level" }],
  [["Escape", "G"], { action: "leave-globals" }],
];

// Keys that work wherever the focus is (outside text boxes).
const EVERYWHERE = new Set(["help", "undo", "submit"]);

function isTyping(target) {
  if (!target || !target.closest) return false;
  if (target.closest("textarea, select, [contenteditable=true]")) return true;
  const input = target.closest("input");
  return Boolean(input) && !["radio", "checkbox", "button", "submit"].includes(input.type);
}

function onControl(target) {
  return Boolean(target && target.closest && target.closest("button, a, input, summary, audio"));
}

export function bindKeys({ codes, globals, act }) {
  const keys = new KeyMap(WORKSPACE_KEYS);
  keys.bindAll(codeBindings(codes));
  const ratingKeys = new KeyMap(RATING_KEYS);

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    if (document.querySelector("dialog[open]")) return;
    const target = event.target;
    if (isTyping(target)) return;
    const scale = globals.scaleOf(target);
    if (scale !== null) {
      const binding = ratingKeys.lookup(event);
      if (binding) {
        act(binding.action, { scale, level: binding.level });
        event.preventDefault();
        return;
      }
    }
    const binding = keys.lookup(event);
    if (!binding) return;
    const action = binding.action;
    if (scale !== null && !EVERYWHERE.has(action)) {
      // Arrows and Space keep their native meaning on a rating; other keys would act on an
      // utterance out of sight.
      if (event.key.startsWith("Arrow") || event.key === " " || event.key === "Enter") return;
      act("globals-hint", {});
      event.preventDefault();
      return;
    }
    if (event.key.startsWith("Arrow") && target && target.type === "radio") return;
    if ((action === "play" || action === "play-from") && onControl(target)) return;
    const handled = binding.code !== undefined ? act("code", { code: binding.code }) : act(action, { event });
    if (handled !== false) event.preventDefault();
  });
}

// Clicks: an utterance selects it (a badge on the selected one clears that code), palette
// buttons set or clear codes, and [data-action] buttons run their action.
export function bindClicks({ list, act }) {
  list.addEventListener("click", (event) => {
    if (event.target.closest(".ws-note-form")) return;
    const li = event.target.closest("li.utt");
    if (!li) return;
    const badge = event.target.closest(".code-badge");
    act("click-utterance", { li, badge });
  });
  document.querySelectorAll(".code-button").forEach((button) => {
    button.addEventListener("click", () => act("code", { code: Number(button.dataset.code) }));
  });
  const CLICKS = { help: "help", note: "note", undo: "undo", play: "play", back: "back", forward: "forward" };
  document.addEventListener("click", (event) => {
    const element = event.target.closest("[data-action]");
    if (element && CLICKS[element.dataset.action]) act(CLICKS[element.dataset.action], { event });
  });
}
