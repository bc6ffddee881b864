// The coding workspace: keyboard-first coding of one transcript.
//
// Every change goes into a queue kept in localStorage (so nothing is lost on a network error
// or a reload) and is sent to a small JSON endpoint that *sets* or *clears* one thing; the
// queue is sent in order, one request at a time, with retries and backoff (lib/queue.mjs).

import { ChangeQueue, countChanges, statusText } from "../lib/queue.mjs";
import { CodingState, accepts, codeSteps, exclusionRule, exclusiveIds, reverseSteps } from "../lib/codes.mjs";
import { idFromHash, startIndex } from "../lib/selection.mjs";
import { createAudio } from "./audio.js";
import { createHelp, createNoteEditor, createSubmit } from "./dialogs.js";
import { bindClicks, bindKeys } from "./events.js";
import { createGlobals } from "./globals.js";
import { sender } from "./send.js";
import { createStatusLine } from "./status.js";
import { createTally } from "./tally.js";
import { createTranscript } from "./transcript.js";

const config = JSON.parse(document.getElementById("ws-config").textContent);
const editable = config.editable;
const storage = (() => {
  try {
    return window.localStorage;
  } catch (error) {
    return null; // storage disabled: the queue lives in memory only
  }
})();

const codesById = new Map(config.codes.map((code) => [code.id, code]));
const status = createStatusLine(document.getElementById("ws-status"));
const list = document.getElementById("ws-utterances");
const transcript = createTranscript({
  list,
  codes: config.codes,
  codableRoles: new Set(config.codes.map((code) => code.speaker)),
  storage,
  storageKey: "mi-coding-selected-" + config.coding,
});
const state = new CodingState(
  config.codes.map((code) => code.id),
  transcript.held
);
// What setting a code clears first: the other code of a single-code dimension, and the other
// members of any set of mutually exclusive codes the scheme declares (SR and CR in MITI 4.2.1).
const excludes = exclusionRule(config.codes, {
  exclusive: exclusiveIds(config.codes, config.exclusive || []),
});
const undoStack = [];

// ------------------------------------------------------------------ the palette

const paletteButtons = Array.from(document.querySelectorAll(".code-button"));
function updatePalette() {
  const li = transcript.currentItem();
  if (!paletteButtons.length || !li) return;
  const held = state.held(transcript.currentId());
  const role = transcript.roleAt(transcript.current);
  paletteButtons.forEach((button) => {
    const code = codesById.get(Number(button.dataset.code));
    button.disabled = !accepts(code, role);
    button.setAttribute("aria-pressed", held.has(code.id) ? "true" : "false");
  });
}
transcript.onSelect(updatePalette);

// ------------------------------------------------------------------ globals and the tally

const globals = createGlobals({
  scales: config.scales,
  onRate(scaleId, value, previous) {
    setGlobal(scaleId, value, previous);
    undoStack.push({ label: "rating", revert: () => setGlobal(scaleId, previous, value) });
  },
});
const tally = createTally({ codes: config.codes, definitions: config.scores, state, globalValues: () => globals.values() });

// ------------------------------------------------------------------ the queue

const send = sender(config.urls);

function showQueueStatus() {
  const [kind, text] = statusText(queue.status());
  status.set(kind, text);
}

let unchecked = false; // the server answered changes since its tally was last read
const queue = new ChangeQueue({
  storage,
  storageKey: "mi-coding-queue-" + config.coding,
  send,
  handlers: {
    onStatus: showQueueStatus,
    onChange(ops) {
      const ids = new Set();
      ops.forEach((op) => {
        if (op.body && op.body.utterance) ids.add(op.body.utterance);
      });
      transcript.markPending(ids);
    },
    onSettle(op, data, { superseded }) {
      unchecked = true;
      if (!superseded && op.endpoint === "code") applyLocal(data.utterance, data.code, data.present);
    },
    onRefuse(op) {
      unchecked = true;
      if (op.endpoint === "code" && op.body.action === "set") applyLocal(op.body.utterance, op.body.code, false);
      else if (op.endpoint === "global") showGlobal(op.body.scale, op.previous);
    },
    onIdle() {
      if (!unchecked) return;
      unchecked = false;
      scheduleTally();
    },
  },
});
window.addEventListener("online", () => queue.retryNow());
status.onClick(() => queue.retryNow());

// ------------------------------------------------------------------ the server's tally, the check

let tallyTimer = null;
function scheduleTally() {
  if (tallyTimer) window.clearTimeout(tallyTimer);
  tallyTimer = window.setTimeout(refreshTally, 300);
}
function refreshTally() {
  tallyTimer = null;
  fetch(config.urls.tally, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (data && data.ok && !queue.busy) tally.adopt(data);
    })
    .catch(() => {});
}

// ------------------------------------------------------------------ changes, with undo

// Apply one code change to the page only (the queue carries it to the server).
function applyLocal(utteranceId, codeId, present) {
  if (!state.apply(utteranceId, codeId, present)) return false;
  transcript.renderCodes(utteranceId, state.held(utteranceId));
  if (utteranceId === transcript.currentId()) updatePalette();
  tally.update(codeId);
  return true;
}

function codeOp(utteranceId, codeId, present) {
  return {
    key: "code:" + utteranceId + ":" + codeId,
    endpoint: "code",
    body: { utterance: utteranceId, code: codeId, action: present ? "set" : "clear" },
  };
}

function runSteps(utteranceId, steps) {
  steps.forEach(([codeId, on]) => {
    applyLocal(utteranceId, codeId, on);
    queue.enqueue(codeOp(utteranceId, codeId, on));
  });
}

// Set or clear one code, with whatever the scheme's rules clear first.
function changeCode(utteranceId, code, present) {
  const steps = codeSteps(state.held(utteranceId), code, present, excludes);
  if (!steps.length) return;
  runSteps(utteranceId, steps);
  undoStack.push({
    label: (present ? "set " : "cleared ") + code.abbr,
    revert: () => runSteps(utteranceId, reverseSteps(steps)),
    utterance: utteranceId,
  });
}

function writable() {
  if (editable && !queue.locked) return true;
  status.flash("Read-only: this coding cannot be changed here");
  return false;
}

function toggleCode(code) {
  if (!writable()) return;
  if (transcript.current < 0) transcript.select(transcript.firstCodable());
  const id = transcript.currentId();
  if (id === null) return;
  if (!accepts(code, transcript.roleAt(transcript.current))) {
    status.flash(code.abbr + " codes " + code.speaker + " utterances only");
    return;
  }
  changeCode(id, code, !state.held(id).has(code.id));
}

function undo() {
  if (!editable || queue.locked) return;
  const last = undoStack.pop();
  if (!last) {
    status.flash("Nothing to undo");
    return;
  }
  last.revert();
  if (last.utterance) transcript.selectId(last.utterance);
  status.flash("Undone: " + last.label);
}

function showGlobal(scaleId, value) {
  globals.show(scaleId, value);
  tally.update();
}

function setGlobal(scaleId, value, previous) {
  showGlobal(scaleId, value);
  queue.enqueue({ key: "global:" + scaleId, endpoint: "global", body: { scale: scaleId, value }, previous });
}

// ------------------------------------------------------------------ notes

// note: {text, forFeedback}; only a note marked for feedback reaches the practitioner.
function setNote(id, note) {
  transcript.renderNote(id, note.text, note.forFeedback);
  queue.enqueue({
    key: "note:" + id,
    endpoint: "note",
    body: { utterance: id, text: note.text, for_feedback: note.forFeedback },
  });
}

const notes = createNoteEditor({
  template: document.getElementById("ws-note-template"),
  list,
  onSave(id, note, previous) {
    setNote(id, note);
    undoStack.push({ label: "note", revert: () => setNote(id, previous), utterance: id });
  },
});

function openNote() {
  if (!editable || queue.locked || transcript.current < 0) return;
  const id = transcript.currentId();
  notes.open(transcript.currentItem(), id, transcript.noteOf(id));
}

const notesArea = document.getElementById("ws-notes");
let notesTimer = null;
function queueSessionNotes() {
  if (notesTimer) window.clearTimeout(notesTimer);
  notesTimer = null;
  queue.enqueue({ key: "notes", endpoint: "notes", body: { text: notesArea.value } });
}
if (notesArea && editable) {
  notesArea.addEventListener("input", () => {
    if (notesTimer) window.clearTimeout(notesTimer);
    notesTimer = window.setTimeout(queueSessionNotes, 800);
  });
  notesArea.addEventListener("blur", () => {
    if (notesTimer) queueSessionNotes();
  });
  window.addEventListener("pagehide", () => {
    if (notesTimer) queueSessionNotes();
  });
}

// ------------------------------------------------------------------ audio, help, submit

const audio = createAudio({
  audio: document.getElementById("ws-audio"),
  items: transcript.items,
  follow: document.getElementById("ws-follow"),
  keepInView: transcript.keepInView,
  onError: status.flash,
});
const help = createHelp(document.getElementById("ws-help"));
const submit = createSubmit({
  form: document.getElementById("ws-submit-form"),
  dialog: document.getElementById("ws-confirm"),
  summary: document.getElementById("ws-confirm-summary"),
  globals,
  queue,
  status,
  beforeSend() {
    if (notesTimer) queueSessionNotes();
  },
  describe: () => state.coded + " of " + transcript.codableCount() + " codable utterances have a code.",
  restoreStatus: showQueueStatus,
});

// ------------------------------------------------------------------ keys and clicks

const skipBox = document.getElementById("ws-skip");
const skipping = () => (skipBox ? skipBox.checked : false);

function backToTranscript() {
  list.focus({ preventScroll: true });
  const li = transcript.currentItem();
  if (li) transcript.keepInView(li);
}

const actions = {
  next: () => transcript.move(1, skipping()),
  previous: () => transcript.move(-1, skipping()),
  "next-any": () => transcript.move(1, false),
  "previous-any": () => transcript.move(-1, false),
  first: () => transcript.select(0),
  last: () => transcript.select(transcript.items.length - 1),
  help: () => help.open(),
  note: openNote,
  undo,
  escape: () => notes.close(),
  code: ({ code }) => toggleCode(codesById.get(code)),
  play: () => (audio ? audio.toggle() : false),
  back: () => (audio ? audio.back() : false),
  forward: () => (audio ? audio.forward() : false),
  "play-from": () => (audio && transcript.currentItem() ? audio.playFrom(transcript.currentItem()) : false),
  globals() {
    if (!globals.enter()) status.flash(editable ? "This scheme has no global ratings" : "Read-only: the ratings cannot be changed here");
  },
  "leave-globals": backToTranscript,
  "next-scale": ({ scale }) => globals.move(scale, 1),
  "previous-scale": ({ scale }) => globals.move(scale, -1),
  "clear-level": ({ scale }) => globals.clear(scale),
  level({ scale, level }) {
    if (!globals.rate(scale, level)) {
      const [low, high] = globals.levels(scale);
      status.flash(globals.name(scale) + " is rated " + low + " to " + high);
      return;
    }
    if (!globals.move(scale, 1) && !globals.missing().length) status.flash("Every global is rated: Ctrl+Enter submits");
  },
  "globals-hint": () => status.flash("Rating the globals: a digit rates, j/k change scale, Esc goes back to the transcript"),
  submit: () => submit.start(),
  "click-utterance"({ li, badge }) {
    const index = transcript.indexOf(transcript.idOf(li));
    if (badge && editable && index === transcript.current) {
      changeCode(transcript.idOf(li), codesById.get(Number(badge.dataset.code)), false);
      return;
    }
    transcript.select(index, { scroll: false });
    if (audio) audio.seekTo(li);
  },
};

function act(name, detail) {
  const action = actions[name];
  return action ? action(detail) : false;
}

bindKeys({ codes: config.codes, globals, act });
bindClicks({ list, act });

// ------------------------------------------------------------------ start

// Replay changes a previous page left unsent (a reload, a crash, a network error).
const leftover = editable ? queue.pending() : [];
leftover.forEach((op) => {
  if (op.endpoint === "code") applyLocal(op.body.utterance, op.body.code, op.body.action === "set");
  else if (op.endpoint === "note")
    transcript.renderNote(op.body.utterance, op.body.text, Boolean(op.body.for_feedback));
  else if (op.endpoint === "global") showGlobal(op.body.scale, op.body.value);
  else if (op.endpoint === "notes" && notesArea) notesArea.value = op.body.text;
});
if (!editable && queue.size) {
  queue.clear();
  status.set("failed", "Changes made before this coding was locked could not be saved");
}
if (editable) {
  if (leftover.length) status.set("saving", "Sending " + countChanges(leftover.length) + " left from before…");
  queue.pump();
}

// Open where the coder was: the utterance in the address, else the last one selected here.
const start = startIndex({
  hashId: idFromHash(window.location.hash),
  storedId: transcript.remembered(),
  indexOf: transcript.indexOf,
  count: transcript.items.length,
  accepts: transcript.isCodable,
});
if (start >= 0) {
  const jumped = start !== transcript.firstCodable();
  transcript.select(start, { scroll: jumped, settle: jumped });
}
list.focus({ preventScroll: true });
document.documentElement.dataset.wsReady = "1";
if (window.performance && performance.mark) performance.mark("ws-ready");
