// The audio workspace: coding straight from the recording, as CACTI does.
//
// The coder listens, marks each volley as it happens (a key for the practitioner, another for
// the client) and codes the selected volley with the scheme's keys. Every change is applied
// here at once and queued (lib/queue.mjs, kept in localStorage) for a small idempotent
// endpoint; changes still queued after a reload are applied again to the page's state.

import { accepts, codeSteps, exclusionRule, exclusiveIds } from "../lib/codes.mjs";
import { KeyMap, codeBindings } from "../lib/keymap.mjs";
import { ChangeQueue, statusText } from "../lib/queue.mjs";
import { scoreRows } from "../lib/scores.mjs";
import { Volleys, clamp, clock, nextSpeed } from "../lib/volleys.mjs";
import { createNoteEditor } from "../workspace/dialogs.js";
import { createGlobals } from "../workspace/globals.js";
import { sender } from "../workspace/send.js";
import { createStatusLine } from "../workspace/status.js";

const config = JSON.parse(document.getElementById("ws-config").textContent);
const editable = config.editable;
const storage = (() => {
  try {
    return window.localStorage;
  } catch (error) {
    return null;
  }
})();

const codesById = new Map(config.codes.map((code) => [code.id, code]));
const excludes = exclusionRule(config.codes, {
  exclusive: exclusiveIds(config.codes, config.exclusive || []),
});
const volleys = new Volleys(config.volleys, config.bounds);
const audio = document.getElementById("aw-audio");
const list = document.getElementById("aw-volleys");
const timeline = document.getElementById("aw-timeline");
const playhead = document.getElementById("aw-playhead");
const timeEl = document.getElementById("aw-time");
const speedEl = document.getElementById("aw-speed");
const countEl = document.getElementById("aw-count");
const status = createStatusLine(document.getElementById("ws-status"));
const undoStack = [];
let selected = null; // the `at` of the selected volley
let stopAt = null; // when replaying a volley: where to pause
let sequence = 0;

document.getElementById("aw-bounds").textContent =
  clock(config.bounds.start) + " to " + (config.bounds.end === null ? "the end" : clock(config.bounds.end));

// ------------------------------------------------------------------ drawing

function codeBadges(item) {
  return Array.from(item.codes)
    .map((id) => codesById.get(id))
    .filter(Boolean)
    .map((code) => code.abbr);
}

function volleyItem(item) {
  const li = document.createElement("li");
  li.dataset.at = String(item.at);
  li.className = item.speaker + (item.at === selected ? " selected" : "");
  const time = document.createElement("button");
  time.type = "button";
  time.className = "btn btn-link btn-sm p-0 aw-time";
  time.dataset.action = "replay";
  time.textContent = clock(item.at);
  time.title = "Replay this volley";
  const who = document.createElement("span");
  who.className = "small text-body-secondary";
  who.textContent = item.speaker === "practitioner" ? "Practitioner" : "Client";
  const codes = document.createElement("span");
  codes.className = "aw-codes";
  codeBadges(item).forEach((abbr) => {
    const badge = document.createElement("span");
    badge.className = "badge text-bg-secondary";
    badge.textContent = abbr;
    codes.appendChild(badge);
  });
  li.append(time, who, codes);
  if (item.note.text) {
    // Private to coders and supervisors unless marked for the practitioner's feedback.
    const note = document.createElement("span");
    note.className = "aw-note small" + (item.note.forFeedback ? " for-feedback" : "");
    note.textContent = (item.note.forFeedback ? "Note for feedback: " : "Private note: ") + item.note.text;
    li.appendChild(note);
  }
  return li;
}

// The list item and the timeline mark of each volley, by its `at`.
const itemOf = new Map();
const markOf = new Map();

function drawList() {
  const fragment = document.createDocumentFragment();
  itemOf.clear();
  volleys.items.forEach((item) => {
    const li = volleyItem(item);
    itemOf.set(item.at, li);
    fragment.appendChild(li);
  });
  list.replaceChildren(fragment);
  if (countEl) countEl.textContent = String(volleys.size);
}

function total() {
  return audio && Number.isFinite(audio.duration) ? audio.duration * 1000 : null;
}

function placeMark(mark, at) {
  const { left, width } = volleys.place(at, total());
  mark.style.left = left + "%";
  mark.style.width = Math.max(width, 0.2) + "%";
}

function newMark(item) {
  const mark = document.createElement("div");
  mark.className = "aw-mark " + item.speaker + (item.at === selected ? " selected" : "");
  placeMark(mark, item.at);
  markOf.set(item.at, mark);
  return mark;
}

function drawTimeline() {
  const marks = document.createDocumentFragment();
  markOf.clear();
  volleys.items.forEach((item) => marks.appendChild(newMark(item)));
  marks.appendChild(playhead);
  timeline.replaceChildren(marks);
}

// A volley just marked: its item and mark go in place, and the one before it is re-placed
// (it now ends where this one starts), without redrawing the other volleys.
function drawAdded(item) {
  const next = volleys.neighbour(item.at, 1);
  const li = volleyItem(item);
  itemOf.set(item.at, li);
  list.insertBefore(li, next ? itemOf.get(next.at) : null);
  timeline.insertBefore(newMark(item), playhead);
  const previous = volleys.neighbour(item.at, -1);
  if (previous) placeMark(markOf.get(previous.at), previous.at);
  if (countEl) countEl.textContent = String(volleys.size);
}

function redrawItem(at) {
  const li = itemOf.get(at);
  const item = volleys.get(at);
  if (li && item) {
    const fresh = volleyItem(item);
    itemOf.set(at, fresh);
    li.replaceWith(fresh);
  }
}

function drawAll() {
  drawList();
  drawTimeline();
  updateTally();
  updatePalette();
}

const paletteButtons = Array.from(document.querySelectorAll(".code-button"));
function updatePalette() {
  const item = selected === null ? null : volleys.get(selected);
  paletteButtons.forEach((button) => {
    const code = codesById.get(Number(button.dataset.code));
    button.disabled = !item || !accepts(code, item.speaker);
    button.setAttribute("aria-pressed", item && item.codes.has(code.id) ? "true" : "false");
  });
}

function select(at) {
  const previous = selected;
  selected = at;
  [previous, at].forEach((value) => {
    if (value === null) return;
    const li = itemOf.get(value);
    const mark = markOf.get(value);
    if (li) li.classList.toggle("selected", value === at);
    if (mark) mark.classList.toggle("selected", value === at);
  });
  const li = at === null ? null : itemOf.get(at);
  if (li) li.scrollIntoView({ block: "nearest" });
  updatePalette();
}

// ------------------------------------------------------------------ tally and globals

const countCells = new Map(config.codes.map((code) => [code.id, document.getElementById("count-" + code.id)]));
const scoreCells = new Map();
document.querySelectorAll("tr[data-score]").forEach((row) => {
  scoreCells.set(row.dataset.score, { value: row.querySelector(".score-value"), band: row.querySelector(".band") });
});

const globals = createGlobals({
  scales: config.scales,
  onRate(scaleId, value, previous) {
    rate(scaleId, value, previous);
    undoStack.push(() => rate(scaleId, previous, value));
  },
});

function updateTally() {
  const counts = volleys.counts();
  const byAbbreviation = {};
  config.codes.forEach((code) => {
    const n = counts.get(code.id) || 0;
    byAbbreviation[code.abbr] = n;
    const cell = countCells.get(code.id);
    if (cell && cell.textContent !== String(n)) cell.textContent = String(n);
  });
  scoreRows(config.scores, byAbbreviation, globals.values()).forEach((row) => {
    const cells = scoreCells.get(row.slug);
    if (!cells) return;
    cells.value.textContent = row.display;
    cells.band.className = "band band-" + (row.band || "none");
    cells.band.textContent = row.band_label;
  });
}

// ------------------------------------------------------------------ the queue

const send = sender(config.urls);

const queue = new ChangeQueue({
  storage,
  storageKey: "mi-audio-queue-" + config.coding,
  send,
  handlers: {
    onStatus() {
      const [kind, text] = statusText(queue.status());
      status.set(kind, text);
    },
    // The server refused a change (the status line says why): take it back here too where
    // that is one step; otherwise the page says to reload for the saved state.
    onRefuse(op) {
      const body = op.body;
      if (op.endpoint === "volley_note") {
        status.flash("Reload the page to see the notes as they were saved");
      } else if (op.endpoint === "volley_code") {
        const item = volleys.get(body.at);
        if (item && body.action === "set") item.codes.delete(body.code);
        else if (item) item.codes.add(body.code);
      } else if (op.endpoint === "volley" && body.action === "add") {
        const item = volleys.get(body.at);
        if (item && item.codes.size === 0) volleys.remove(body.at);
        if (selected === body.at) selected = null;
      } else if (op.endpoint === "volley") {
        status.flash("Reload the page to see the volleys as they were saved");
      }
      drawAll();
    },
  },
});

// Apply one change to the page's state, exactly as the server will.
function apply(endpoint, body) {
  if (endpoint === "volley") {
    if (body.action === "add") volleys.add(body.at, body.speaker, body.end ?? null);
    else if (body.action === "move") volleys.move(body.at, body.start, body.end ?? null);
    else if (body.action === "split") volleys.split(body.at, body.start);
    else if (body.action === "merge") volleys.merge(body.at);
    else if (body.action === "delete") volleys.remove(body.at);
  } else if (endpoint === "volley_code") {
    const item = volleys.get(body.at);
    if (item && body.action === "set") item.codes.add(body.code);
    else if (item) item.codes.delete(body.code);
  } else if (endpoint === "volley_note") {
    const item = volleys.get(body.at);
    if (item) item.note = { text: body.text, forFeedback: body.for_feedback };
  } else if (endpoint === "global") {
    globals.show(body.scale, body.value);
  } else if (endpoint === "notes") {
    const area = document.getElementById("ws-notes");
    if (area) area.value = body.text;
  }
}

function change(endpoint, body) {
  apply(endpoint, body);
  sequence += 1;
  queue.enqueue({ key: `${endpoint}:${Date.now().toString(36)}:${sequence}`, endpoint, body });
}

queue.pending().forEach((op) => apply(op.endpoint, op.body));

// ------------------------------------------------------------------ actions

function now() {
  return audio ? clamp(config.bounds, audio.currentTime * 1000) : config.bounds.start;
}

function refuse(message) {
  status.flash(message);
}

function mark(speaker) {
  const at = now();
  const refusal = volleys.refusal(at);
  if (refusal) return refuse(refusal);
  change("volley", { action: "add", at, speaker });
  undoStack.push(() => removeVolley(at, false));
  drawAdded(volleys.get(at));
  select(at);
  updateTally();
}

function removeVolley(at, undoable = true) {
  const item = volleys.get(at);
  if (!item) return;
  const copy = { at: item.at, end: item.end, speaker: item.speaker, codes: new Set(item.codes), note: item.note };
  change("volley", { action: "delete", at });
  if (undoable) {
    undoStack.push(() => {
      change("volley", { action: "add", at: copy.at, speaker: copy.speaker, end: copy.end });
      copy.codes.forEach((id) => change("volley_code", { at: copy.at, code: id, action: "set" }));
      if (copy.note.text) noteChange(copy.at, copy.note);
      selected = copy.at;
      drawAll();
    });
  }
  if (selected === at) selected = null;
  drawAll();
}

function codeSelected(code) {
  const item = selected === null ? null : volleys.get(selected);
  if (!item) return refuse("Select or mark a volley first");
  if (!accepts(code, item.speaker)) return refuse(`${code.abbr} codes ${code.speaker} volleys`);
  const on = !item.codes.has(code.id);
  const steps = codeSteps(item.codes, code, on, excludes);
  const at = item.at;
  steps.forEach(([id, present]) => change("volley_code", { at, code: id, action: present ? "set" : "clear" }));
  undoStack.push(() =>
    steps
      .slice()
      .reverse()
      .forEach(([id, present]) => change("volley_code", { at, code: id, action: present ? "clear" : "set" }))
  );
  redrawItem(at);
  updateTally();
  updatePalette();
}

function moveSelected() {
  const item = selected === null ? null : volleys.get(selected);
  if (!item) return refuse("Select a volley first");
  const to = now();
  const refusal = volleys.refusal(to, item.at);
  if (refusal) return refuse(refusal);
  const from = item.at;
  const end = item.end;
  change("volley", { action: "move", at: from, start: to });
  undoStack.push(() => {
    change("volley", { action: "move", at: to, start: from, end });
    selected = from;
    drawAll();
  });
  selected = to;
  drawAll();
}

function splitPlaying() {
  const at = now();
  const item = volleys.at(at);
  if (!item || item.at === at) return refuse("No volley to split here");
  const end = volleys.endOf(item.at);
  if (end !== null && at >= end) return refuse("No volley to split here");
  change("volley", { action: "split", at: item.at, start: at });
  undoStack.push(() => {
    change("volley", { action: "merge", at: item.at, next: at });
    drawAll();
  });
  selected = at;
  drawAll();
}

function mergeSelected() {
  const item = selected === null ? null : volleys.get(selected);
  const next = item ? volleys.neighbour(item.at, 1) : null;
  if (!item || !next) return refuse("Select a volley with one after it");
  if (next.speaker !== item.speaker) return refuse("A practitioner volley and a client volley cannot be merged");
  const carried = Array.from(next.codes).filter((id) => !item.codes.has(id));
  const at = item.at;
  const nextAt = next.at;
  change("volley", { action: "merge", at, next: nextAt });
  undoStack.push(() => {
    change("volley", { action: "split", at, start: nextAt });
    carried.forEach((id) => {
      change("volley_code", { at, code: id, action: "clear" });
      change("volley_code", { at: nextAt, code: id, action: "set" });
    });
    drawAll();
  });
  drawAll();
}

// ------------------------------------------------------------------ notes on volleys

function noteChange(at, note) {
  change("volley_note", { at, text: note.text, for_feedback: note.forFeedback });
}

const noteEditor = createNoteEditor({
  template: document.getElementById("ws-note-template"),
  list,
  onSave(at, note, previous) {
    noteChange(at, note);
    undoStack.push(() => {
      noteChange(at, previous);
      redrawItem(at);
    });
    redrawItem(at);
  },
});

function openNote() {
  const item = selected === null ? null : volleys.get(selected);
  if (!item) return refuse("Select a volley first");
  noteEditor.open(itemOf.get(item.at), item.at, item.note);
}

function rate(scaleId, value) {
  change("global", { scale: scaleId, value });
  updateTally();
}

function undo() {
  const revert = undoStack.pop();
  if (revert) revert();
  else refuse("Nothing to undo");
}

function selectStep(step) {
  if (!volleys.size) return;
  if (selected === null) return select(volleys.items[step > 0 ? 0 : volleys.size - 1].at);
  const next = volleys.neighbour(selected, step);
  if (next) select(next.at);
}

function replay(at) {
  if (!audio) return;
  audio.currentTime = at / 1000;
  const end = volleys.endOf(at);
  stopAt = end === null ? null : end / 1000;
  select(at);
  audio.play().catch(() => refuse("The browser would not play the recording"));
}

function playPause() {
  if (!audio) return;
  stopAt = null;
  if (audio.paused) {
    if (audio.currentTime * 1000 < config.bounds.start) audio.currentTime = config.bounds.start / 1000;
    audio.play().catch(() => refuse("The browser would not play the recording"));
  } else audio.pause();
}

function seek(seconds) {
  if (audio) audio.currentTime = Math.max(0, audio.currentTime + seconds);
}

function speed(step) {
  if (!audio) return;
  audio.playbackRate = nextSpeed(audio.playbackRate, step);
  speedEl.textContent = audio.playbackRate + "×";
}

function submit() {
  const form = document.getElementById("ws-submit-form");
  if (!form) return;
  const missing = globals.missing();
  if (missing.length) return refuse("Rate every global before submitting: " + missing.join(", "));
  status.set("saving", "Saving before submitting…");
  queue.whenIdle(15000).then((sent) => {
    if (sent) form.submit();
    else refuse("Some changes are not saved yet; try again when the connection is back");
  });
}

const ACTIONS = {
  play: playPause,
  back: () => seek(-5),
  forward: () => seek(5),
  slower: () => speed(-1),
  faster: () => speed(1),
  previous: () => selectStep(-1),
  next: () => selectStep(1),
  replay: () => selected !== null && replay(selected),
  help: () => {
    const dialog = document.getElementById("ws-help");
    if (dialog && !dialog.open) dialog.showModal();
  },
};
const EDITS = {
  practitioner: () => mark("practitioner"),
  client: () => mark("client"),
  move: moveSelected,
  split: splitPlaying,
  merge: mergeSelected,
  delete: () => (selected !== null ? removeVolley(selected) : refuse("Select a volley first")),
  note: openNote,
  undo,
  submit,
};

const keys = new KeyMap([
  [[" "], { action: "play" }],
  [["ArrowLeft"], { action: "back" }],
  [["ArrowRight"], { action: "forward" }],
  [["-"], { action: "slower" }],
  [["=", "+"], { action: "faster" }],
  [["ArrowUp"], { action: "previous" }],
  [["ArrowDown"], { action: "next" }],
  [["R"], { action: "replay" }],
  [["?"], { action: "help" }],
  [["Ctrl+Enter"], { action: "submit" }],
  [["Shift+Enter"], { action: "client" }],
  [["Enter"], { action: "practitioner" }],
  [["T"], { action: "move" }],
  [["/"], { action: "split" }],
  [["M"], { action: "merge" }],
  [["N"], { action: "note" }],
  [["Delete"], { action: "delete" }],
  [["Ctrl+z"], { action: "undo" }],
]);
keys.bindAll(codeBindings(config.codes));

function run(action) {
  if (ACTIONS[action]) ACTIONS[action]();
  else if (EDITS[action] && editable) EDITS[action]();
}

window.addEventListener(
  "keydown",
  (event) => {
    const target = event.target && event.target.closest ? event.target : null;
    const found = keys.lookup(event);
    if (!found) return;
    // Typing stays typing, and a global's radios keep their arrows and space; submitting
    // works from anywhere. An open dialog keeps its keys; once closed, focus may still sit on
    // one of its buttons, and the keys are the workspace's again.
    const typing = target && target.closest("textarea, select, input:not([type=radio]), dialog[open]");
    const radio = target && target.matches("input[type=radio]");
    if (found.action !== "submit" && (typing || (radio && /^(Arrow| )/.test(event.key)))) return;
    event.preventDefault();
    event.stopPropagation();
    if (found.code !== undefined) {
      if (editable) codeSelected(codesById.get(found.code));
    } else run(found.action);
  },
  true
);

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action], .code-button");
  if (!button) return;
  if (button.classList.contains("code-button")) return codeSelected(codesById.get(Number(button.dataset.code)));
  if (button.dataset.action === "replay") return replay(Number(button.closest("li").dataset.at));
  if (button.dataset.action === "undo") return undo();
  if (button.dataset.action === "delete") return EDITS.delete();
  if (button.dataset.action === "note") return editable && openNote();
  if (button.dataset.action === "help" || ACTIONS[button.dataset.action]) run(button.dataset.action);
});

list.addEventListener("click", (event) => {
  const li = event.target.closest("li[data-at]");
  if (li && !event.target.closest("[data-action]")) select(Number(li.dataset.at));
});

const submitForm = document.getElementById("ws-submit-form");
if (submitForm) {
  submitForm.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
}

const notesArea = document.getElementById("ws-notes");
if (notesArea && editable) {
  notesArea.addEventListener("change", () => change("notes", { text: notesArea.value }));
}

// ------------------------------------------------------------------ the playhead

function tick() {
  if (!audio) return;
  const ms = audio.currentTime * 1000;
  timeEl.textContent = clock(ms);
  const start = config.bounds.start;
  const end = config.bounds.end ?? total() ?? start + 1;
  playhead.style.left = Math.min(100, Math.max(0, ((ms - start) / Math.max(1, end - start)) * 100)) + "%";
  if (stopAt !== null && audio.currentTime >= stopAt) {
    audio.pause();
    stopAt = null;
  }
  if (!audio.paused) window.requestAnimationFrame(tick);
}
if (audio) {
  audio.addEventListener("play", () => window.requestAnimationFrame(tick));
  audio.addEventListener("timeupdate", tick);
  audio.addEventListener("loadedmetadata", drawTimeline);
}

selected = volleys.size ? volleys.items[volleys.size - 1].at : null;
drawAll();
performance.mark("aw-ready");
document.body.dataset.ready = "true";
