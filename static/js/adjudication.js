// The adjudication page: move between disagreements, take a coder's answer or give your own,
// confirm; every decision is saved at once and the row shows the consensus it produced.
//
// n/p go to the next/previous disagreement still undecided, j/k to any disagreement (to review
// or change one). Confirming moves on to the next undecided one by itself, so an n pressed
// straight after does not skip it. Changing an item already decided needs a confirmation.

import { csrfToken } from "./csrf.js";
import { KeyMap, digitBindings } from "./lib/keymap.mjs";
import { step } from "./lib/selection.mjs";

const table = document.getElementById("adjudication");
const dataNode = document.getElementById("adjudication-data");

if (table && dataNode && table.dataset.decideUrl) start();

function start() {
  const data = JSON.parse(dataNode.textContent);
  const url = table.dataset.decideUrl;
  const panel = document.getElementById("decision-panel");
  const panelItem = document.getElementById("panel-item");
  const reason = document.getElementById("decision-reason");
  const editor = document.getElementById("own-editor");
  const choicesBox = document.getElementById("own-choices");
  const message = document.getElementById("decision-message");
  const undecidedCount = document.getElementById("undecided-count");
  const replaceDialog = document.getElementById("replace-dialog");
  const finish = document.getElementById("finish-adjudication");
  const sourceButtons = Array.from(panel.querySelectorAll("[data-source]"));
  const rows = Array.from(document.querySelectorAll("tr[data-item]"));
  const disagreements = rows.filter((row) => row.classList.contains("adj-disagree"));
  let current = null;
  let pending = null;
  // Set when a confirmation moved on by itself: the next n stays on the row it moved to.
  let advanced = false;

  const keys = new KeyMap([
    [["n"], { action: "next-undecided" }],
    [["p"], { action: "previous-undecided" }],
    [["j"], { action: "next" }],
    [["k"], { action: "previous" }],
    [["e"], { action: "own" }],
    [["r"], { action: "reason" }],
    ...digitBindings(data.sources.length, (n) => ({ action: "take", source: n })),
  ]);

  const isDecided = (row) => row.classList.contains("adj-decided");
  const undecided = (index) => !isDecided(disagreements[index]);

  function label(item, answer) {
    if (item.min !== undefined) return answer === null ? "not rated" : String(answer);
    if (!answer.length) return "no code";
    return answer.map((id) => data.codes[id].abbreviation).join(", ");
  }

  function say(text) {
    message.textContent = text;
  }

  // Keys act on the table again (out of the reason box or the own-answer editor).
  function backToTable() {
    table.focus({ preventScroll: true });
  }

  function choose(source) {
    pending = source;
    advanced = false;
    sourceButtons.forEach((button) => {
      const on = button.dataset.source === String(source);
      button.setAttribute("aria-pressed", String(on));
      button.classList.toggle("active", on);
    });
    editor.hidden = source !== "own";
    say("");
    if (source === "own") {
      const first = choicesBox.querySelector("input");
      if (first) first.focus();
    }
  }

  function buildEditor(item, key) {
    choicesBox.textContent = "";
    const own = data.items[key].consensus;
    function add(type, value, text, checked) {
      const wrap = document.createElement("div");
      wrap.className = "form-check";
      const input = document.createElement("input");
      input.className = "form-check-input";
      input.type = type;
      input.name = "own";
      input.id = "own-" + value;
      input.value = value;
      input.checked = checked;
      const lab = document.createElement("label");
      lab.className = "form-check-label";
      lab.htmlFor = input.id;
      lab.textContent = text;
      wrap.append(input, lab);
      choicesBox.appendChild(wrap);
    }
    if (item.min !== undefined) {
      for (let v = item.min; v <= item.max; v += 1) add("radio", v, String(v), own === v);
    } else {
      item.choices.forEach((id) => add("checkbox", id, data.codes[id].abbreviation, (own || []).includes(id)));
    }
  }

  function select(row) {
    if (!row) return;
    if (current) current.classList.remove("adj-current");
    current = row;
    row.classList.add("adj-current");
    row.scrollIntoView({ block: "center" });
    const key = row.dataset.item;
    const item = data.items[key];
    panel.hidden = false;
    panelItem.textContent = row.dataset.label + (isDecided(row) ? " (decided)" : "");
    sourceButtons.forEach((button, index) => {
      const span = button.querySelector(".panel-answer");
      if (span) span.textContent = label(item, item.answers[index]);
    });
    buildEditor(item, key);
    reason.value = "";
    choose(null);
  }

  function move(delta, onlyUndecided) {
    const index = step(disagreements.indexOf(current), delta, disagreements.length, onlyUndecided ? undecided : undefined, { wrap: true });
    if (index >= 0) {
      select(disagreements[index]);
    } else if (onlyUndecided && !disagreements.some((row, i) => undecided(i))) {
      say("Every disagreement is decided; finish to submit the consensus.");
    } else if (onlyUndecided) {
      say(current.dataset.label + " is the only one left to decide.");
    }
  }

  function nextUndecided() {
    if (advanced && current && !isDecided(current)) {
      // The confirmation already moved here: this is the next one.
      advanced = false;
      say(current.dataset.label + " is the next one to decide.");
      return;
    }
    move(1, true);
  }

  function answerOf(item) {
    if (pending !== "own") return { source: pending };
    const picked = Array.from(choicesBox.querySelectorAll("input:checked")).map((input) => Number(input.value));
    if (item.min !== undefined) return picked.length ? { source: "own", value: picked[0] } : null;
    return { source: "own", codes: picked };
  }

  function confirm() {
    if (!current) return;
    if (pending === null) {
      say("Choose a coder's answer (1, 2, …) or your own (e) first.");
      return;
    }
    const row = current;
    const item = data.items[row.dataset.item];
    const answer = answerOf(item);
    if (!answer) {
      say("Choose a value.");
      return;
    }
    backToTable();
    if (!isDecided(row)) {
      send(row, item, answer, false);
      return;
    }
    document.getElementById("replace-item").textContent = row.dataset.label;
    document.getElementById("replace-now").textContent = row.querySelector(".adj-consensus").textContent || "no code";
    replaceDialog.returnValue = "";
    replaceDialog.showModal();
    replaceDialog.addEventListener(
      "close",
      () => {
        if (replaceDialog.returnValue === "replace") send(row, item, answer, true);
        else say("Kept the earlier decision on " + row.dataset.label + ".");
        backToTable();
      },
      { once: true }
    );
  }

  function send(row, item, answer, replace) {
    const body = new FormData();
    body.append("item", row.dataset.item);
    body.append("source", answer.source);
    body.append("reason", reason.value);
    if (answer.value !== undefined) body.append("value", answer.value);
    if (answer.codes !== undefined) body.append("codes", answer.codes.join(","));
    if (replace) body.append("replace", "true");
    fetch(url, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => response.json().then((json) => ({ ok: response.ok, json })))
      .then(({ ok, json }) => {
        if (!ok) {
          say(json.decided ? "Not saved: " + json.error + " (decided elsewhere meanwhile: reload to see it)." : json.error || "Not saved.");
          return;
        }
        row.querySelector(".adj-consensus").textContent = json.consensus;
        row.querySelector(".adj-decision").textContent = json.decision;
        row.classList.add("adj-decided");
        if (answer.source === "own") {
          item.consensus = answer.value !== undefined ? answer.value : answer.codes;
        } else {
          const index = data.sources.findIndex((s) => String(s.id) === String(answer.source));
          item.consensus = item.answers[index];
        }
        const left = disagreements.filter((r) => !isDecided(r)).length;
        if (undecidedCount) undecidedCount.textContent = left;
        if (left) {
          move(1, true);
          advanced = true;
        } else {
          panelItem.textContent = row.dataset.label + " (decided)";
          say("Every disagreement is decided; finish to submit the consensus.");
          finish.focus();
        }
      })
      .catch(() => say("Not saved: the server could not be reached. Try again."));
  }

  rows.forEach((row) => row.addEventListener("click", () => select(row)));
  sourceButtons.forEach((button) => {
    button.addEventListener("click", () => choose(button.dataset.source === "own" ? "own" : button.dataset.source));
  });
  document.getElementById("decision-confirm").addEventListener("click", confirm);

  const actions = {
    "next-undecided": nextUndecided,
    "previous-undecided": () => move(-1, true),
    next: () => move(1, false),
    previous: () => move(-1, false),
    own: () => current && choose("own"),
    reason: () => current && reason.focus(),
    take({ source }) {
      if (current) choose(String(data.sources[source - 1].id));
    },
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    const target = event.target;
    const typing = target.tagName === "TEXTAREA" || target.tagName === "SELECT" || (target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "radio");
    const inEditor = editor.contains(target);
    if (event.key === "Escape") {
      if (typing || inEditor) backToTable();
      choose(null);
      return;
    }
    if (event.key === "Enter") {
      // Enter confirms from the reason box and the own-answer editor too, then leaves them.
      if (!current || (target.tagName === "BUTTON" && !panel.contains(target)) || target.tagName === "A") return;
      event.preventDefault();
      confirm();
      return;
    }
    if (typing || inEditor) return;
    const binding = keys.lookup(event);
    if (!binding) return;
    event.preventDefault();
    actions[binding.action](binding);
  });
}
