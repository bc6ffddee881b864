/* The coding workspace: keyboard-first coding of one transcript.
 *
 * Every change goes into a queue kept in localStorage (so nothing is lost on a network error
 * or a reload) and is sent to a small JSON endpoint that *sets* or *clears* one thing; the
 * queue is sent in order, one request at a time, with retries and backoff.
 */
(function () {
  "use strict";

  let flashTimer = null;
  const config = JSON.parse(document.getElementById("ws-config").textContent);
  const list = document.getElementById("ws-utterances");
  const items = Array.from(list.querySelectorAll("li.utt"));
  const statusEl = document.getElementById("ws-status");
  const audio = document.getElementById("ws-audio");
  const skipBox = document.getElementById("ws-skip");
  const followBox = document.getElementById("ws-follow");
  const notesArea = document.getElementById("ws-notes");
  const editable = config.editable;

  const codesById = new Map(config.codes.map((c) => [c.id, c]));
  const codeByKey = new Map(config.codes.filter((c) => c.key).map((c) => [c.key, c]));
  const codableRoles = new Set(config.codes.map((c) => c.speaker));
  const SHIFTED_DIGITS = { 1: "!", 2: "@", 3: "#", 4: "$", 5: "%", 6: "^", 7: "&", 8: "*", 9: "(", 0: ")" };

  // ------------------------------------------------------------------ state from the page

  const state = new Map(); // utterance id -> Set of code ids
  const itemById = new Map();
  const indexById = new Map();
  const counts = new Map(config.codes.map((c) => [c.id, 0]));
  let coded = 0;
  const roleOf = (li) =>
    li.classList.contains("utt-practitioner") ? "practitioner" : li.classList.contains("utt-client") ? "client" : "other";
  const idOf = (li) => Number(li.id.slice(1));
  items.forEach((li, index) => {
    const id = idOf(li);
    const codes = li.dataset.codes ? li.dataset.codes.split(",").map(Number) : [];
    state.set(id, new Set(codes));
    itemById.set(id, li);
    indexById.set(id, index);
    codes.forEach((c) => counts.set(c, (counts.get(c) || 0) + 1));
    if (codes.length) coded += 1;
  });

  function accepts(code, li) {
    return code.speaker === "any" || code.speaker === roleOf(li);
  }
  function isCodable(li) {
    return codableRoles.has("any") || codableRoles.has(roleOf(li));
  }

  // ------------------------------------------------------------------ status line

  let lastStatus = "";
  let standing = null; // the saving state a passing message must not hide for long
  function showStatus(kind, text) {
    if (!statusEl) return;
    statusEl.dataset.state = kind;
    if (text !== lastStatus) {
      statusEl.textContent = text;
      lastStatus = text;
    }
  }
  function setStatus(kind, text) {
    standing = [kind, text];
    if (flashTimer && kind === "failed") {
      window.clearTimeout(flashTimer);
      flashTimer = null;
    }
    if (!flashTimer) showStatus(kind, text);
  }

  // ------------------------------------------------------------------ selection

  let current = -1;
  function select(index, options) {
    if (index < 0 || index >= items.length) return;
    const scroll = !options || options.scroll !== false;
    if (current >= 0) items[current].setAttribute("aria-selected", "false");
    current = index;
    const li = items[index];
    li.setAttribute("aria-selected", "true");
    list.setAttribute("aria-activedescendant", li.id);
    if (scroll) keepInView(li);
    updatePalette();
  }

  // Scroll only when the utterance leaves a comfortable band, and then by most of a screen,
  // so that moving through a session scrolls rarely and the text does not jump every key.
  function keepInView(li) {
    const box = list.getBoundingClientRect();
    const rect = li.getBoundingClientRect();
    const margin = Math.min(120, box.height / 5);
    if (rect.bottom > box.bottom - margin) {
      list.scrollTop += rect.top - box.top - margin;
    } else if (rect.top < box.top + margin) {
      list.scrollTop += rect.bottom - box.bottom + margin;
    }
  }

  function move(step, skipOthers) {
    if (!items.length) return;
    let index = current < 0 ? (step > 0 ? -1 : items.length) : current;
    for (;;) {
      index += step;
      if (index < 0 || index >= items.length) return;
      if (!skipOthers || isCodable(items[index])) break;
    }
    select(index);
  }

  function currentId() {
    return current >= 0 ? idOf(items[current]) : null;
  }

  const paletteButtons = Array.from(document.querySelectorAll(".code-button"));
  function updatePalette() {
    if (!paletteButtons.length || current < 0) return;
    const li = items[current];
    const codes = state.get(idOf(li));
    paletteButtons.forEach((button) => {
      const code = codesById.get(Number(button.dataset.code));
      button.disabled = !accepts(code, li);
      button.setAttribute("aria-pressed", codes.has(code.id) ? "true" : "false");
    });
  }

  // ------------------------------------------------------------------ rendering one utterance

  // The page leaves out empty code and note boxes to stay light; they are made when needed.
  function part(li, name) {
    let box = li.querySelector(".utt-" + name);
    if (!box) {
      box = document.createElement("div");
      box.className = "utt-" + name;
      if (name === "codes") li.querySelector(".utt-text").after(box);
      else li.append(box);
    }
    return box;
  }

  function renderCodes(id) {
    const li = itemById.get(id);
    const box = part(li, "codes");
    const ordered = config.codes.filter((c) => state.get(id).has(c.id));
    box.replaceChildren(
      ...ordered.map((c) => {
        const badge = document.createElement("span");
        badge.className = "code-badge tone-" + c.tone;
        badge.dataset.code = c.id;
        badge.title = c.name;
        badge.textContent = c.abbr;
        return badge;
      })
    );
    if (current >= 0 && items[current] === li) updatePalette();
  }

  function renderNote(id, text) {
    const note = part(itemById.get(id), "note");
    note.textContent = text;
    note.hidden = !text;
  }

  const progress = document.getElementById("ws-progress");
  const codedEl = document.getElementById("ws-coded");
  function renderCount(codeId) {
    const cell = document.getElementById("count-" + codeId);
    if (cell) cell.textContent = counts.get(codeId);
  }
  function renderProgress() {
    if (progress) progress.value = coded;
    if (codedEl) codedEl.textContent = coded;
  }

  // Apply one code change to the page only (the queue carries it to the server).
  function applyLocal(utteranceId, codeId, present) {
    const codes = state.get(utteranceId);
    if (!codes || codes.has(codeId) === present) return false;
    const before = codes.size;
    if (present) codes.add(codeId);
    else codes.delete(codeId);
    counts.set(codeId, (counts.get(codeId) || 0) + (present ? 1 : -1));
    if (before === 0 && codes.size > 0) coded += 1;
    if (before > 0 && codes.size === 0) coded -= 1;
    renderCodes(utteranceId);
    renderCount(codeId);
    renderProgress();
    return true;
  }

  // ------------------------------------------------------------------ the queue of unsent changes

  // The queue lives in memory and is written through to localStorage on every change, so a
  // reload or a crash finds it there; it is read back from storage only when the page opens.
  const QUEUE_KEY = "mi-coding-queue-" + config.coding;
  let memoryQueue = loadQueue();
  function loadQueue() {
    try {
      const raw = window.localStorage.getItem(QUEUE_KEY);
      const queue = raw ? JSON.parse(raw) : [];
      return Array.isArray(queue) ? queue : [];
    } catch (error) {
      return [];
    }
  }
  function readQueue() {
    return memoryQueue;
  }
  function writeQueue(queue) {
    memoryQueue = queue;
    try {
      if (queue.length) window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
      else window.localStorage.removeItem(QUEUE_KEY);
    } catch (error) {
      /* storage full or disabled: the queue lives in memory only */
    }
  }

  let sequence = 0;
  let inFlight = null;
  let failures = 0;
  let retryTimer = null;
  let idleWaiters = [];
  let refusal = ""; // the server's reason for the last change it refused
  let locked = false; // submitted elsewhere while this page was open

  function enqueue(op) {
    refusal = "";
    op.id = Date.now().toString(36) + "-" + (sequence += 1);
    // A later change to the same thing replaces an unsent earlier one; sets and clears are
    // idempotent, so only the last word matters.
    const queue = readQueue().filter((q) => q.key !== op.key || q.id === inFlight);
    queue.push(op);
    writeQueue(queue);
    markPending();
    pump();
  }

  function pendingUtterances() {
    const ids = new Set();
    readQueue().forEach((op) => {
      if (op.body && op.body.utterance) ids.add(op.body.utterance);
    });
    return ids;
  }
  let pendingShown = new Set();
  function markPending() {
    const now = pendingUtterances();
    pendingShown.forEach((id) => {
      if (!now.has(id)) {
        const li = itemById.get(id);
        if (li) li.classList.remove("utt-pending");
      }
    });
    now.forEach((id) => {
      const li = itemById.get(id);
      if (li) li.classList.add("utt-pending");
    });
    pendingShown = now;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function waiting(queue) {
    return queue.length === 1 ? "1 change" : queue.length + " changes";
  }

  function pump() {
    if (inFlight || retryTimer) return;
    const queue = readQueue();
    if (!queue.length) {
      if (refusal) setStatus("failed", refusal);
      else setStatus("saved", "All changes saved");
      idleWaiters.forEach((resolve) => resolve(true));
      idleWaiters = [];
      scheduleTally();
      return;
    }
    const op = queue[0];
    inFlight = op.id;
    setStatus("saving", "Saving… (" + waiting(queue) + ")");
    fetch(config.urls[op.endpoint], {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify(op.body),
    })
      .then((response) =>
        response
          .json()
          .catch(() => null)
          .then((data) => ({ response, data }))
      )
      .then(({ response, data }) => {
        inFlight = null;
        if (response.ok && data && data.ok) {
          failures = 0;
          settle(op, data);
        } else if (data && [400, 404, 409, 422].includes(response.status)) {
          failures = 0;
          refuse(op, data.error, response.status);
        } else {
          retryLater(
            response.status === 401 || response.status === 403
              ? "Signed out or session changed: sign in again in another tab"
              : "The server did not save (" + response.status + ")"
          );
          return;
        }
        pump();
      })
      .catch(() => {
        inFlight = null;
        retryLater("Offline");
      });
  }

  function removeFromQueue(id) {
    writeQueue(readQueue().filter((q) => q.id !== id));
    markPending();
  }

  function settle(op, data) {
    removeFromQueue(op.id);
    const newer = readQueue().some((q) => q.key === op.key);
    if (newer) return;
    if (op.endpoint === "code") applyLocal(data.utterance, data.code, data.present);
  }

  function refuse(op, message, status) {
    removeFromQueue(op.id);
    if (op.endpoint === "code" && op.body.action === "set") {
      applyLocal(op.body.utterance, op.body.code, false);
    } else if (op.endpoint === "global") {
      showGlobal(op.body.scale, op.previous);
    }
    if (status === 409) {
      // Submitted elsewhere: nothing else can be saved.
      locked = true;
      writeQueue([]);
      markPending();
    }
    refusal = "Not saved: " + message;
    setStatus("failed", refusal);
  }

  function retryLater(reason) {
    failures += 1;
    const delay = Math.min(30000, 1000 * Math.pow(2, failures - 1)) + Math.floor(Math.random() * 400);
    const queue = readQueue();
    setStatus(
      "failed",
      reason + ": " + waiting(queue) + " kept in this browser, retrying in " + Math.round(delay / 1000) + " s"
    );
    retryTimer = window.setTimeout(() => {
      retryTimer = null;
      pump();
    }, delay);
  }

  function retryNow() {
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    pump();
  }
  window.addEventListener("online", retryNow);
  if (statusEl) statusEl.addEventListener("click", retryNow);

  function whenIdle(timeout) {
    if (!readQueue().length && !inFlight) return Promise.resolve(true);
    retryNow();
    return new Promise((resolve) => {
      idleWaiters.push(resolve);
      window.setTimeout(() => resolve(false), timeout);
    });
  }

  // ------------------------------------------------------------------ live tally from the server

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
        if (!data || !data.ok || readQueue().length) return;
        config.codes.forEach((code) => {
          counts.set(code.id, data.counts[code.abbr] || 0);
          renderCount(code.id);
        });
        data.scores.forEach((score) => {
          const row = document.querySelector('tr[data-score="' + score.slug + '"]');
          if (!row) return;
          row.querySelector(".score-value").textContent = score.display;
          const band = row.querySelector(".band");
          band.className = "band band-" + (score.band || "none");
          band.textContent = score.band_label;
        });
      })
      .catch(() => {});
  }

  // ------------------------------------------------------------------ changes, with undo

  const undoStack = [];

  function codeOp(utteranceId, codeId, present) {
    return {
      key: "code:" + utteranceId + ":" + codeId,
      endpoint: "code",
      body: { utterance: utteranceId, code: codeId, action: present ? "set" : "clear" },
    };
  }

  // Set or clear one code; a single-code dimension gives up its other code first.
  function changeCode(utteranceId, code, present) {
    const codes = state.get(utteranceId);
    const steps = [];
    if (present) {
      if (codes.has(code.id)) return;
      if (!code.multiple) {
        codes.forEach((other) => {
          if (codesById.get(other).dim === code.dim) steps.push([other, false]);
        });
      }
      steps.push([code.id, true]);
    } else {
      if (!codes.has(code.id)) return;
      steps.push([code.id, false]);
    }
    steps.forEach(([codeId, on]) => {
      applyLocal(utteranceId, codeId, on);
      enqueue(codeOp(utteranceId, codeId, on));
    });
    undoStack.push({
      label: (present ? "set " : "cleared ") + code.abbr,
      revert: () => steps
        .slice()
        .reverse()
        .forEach(([codeId, on]) => {
          applyLocal(utteranceId, codeId, !on);
          enqueue(codeOp(utteranceId, codeId, !on));
        }),
      utterance: utteranceId,
    });
  }

  function toggleCode(code) {
    if (!editable || locked) {
      flash("Read-only: this coding cannot be changed here");
      return;
    }
    if (current < 0) select(firstCodable());
    const li = items[current];
    if (!li) return;
    if (!accepts(code, li)) {
      const who = code.speaker === "any" ? "any" : code.speaker;
      flash(code.abbr + " codes " + who + " utterances only");
      return;
    }
    const id = idOf(li);
    changeCode(id, code, !state.get(id).has(code.id));
  }

  function undo() {
    if (!editable || locked) return;
    const last = undoStack.pop();
    if (!last) {
      flash("Nothing to undo");
      return;
    }
    last.revert();
    if (last.utterance && indexById.has(last.utterance)) select(indexById.get(last.utterance));
    flash("Undone: " + last.label);
  }

  function flash(message) {
    if (flashTimer) window.clearTimeout(flashTimer);
    flashTimer = window.setTimeout(() => {
      flashTimer = null;
      if (standing) showStatus(standing[0], standing[1]);
    }, 2500);
    showStatus("info", message);
  }

  function firstCodable() {
    const index = items.findIndex(isCodable);
    return index < 0 ? 0 : index;
  }

  // ------------------------------------------------------------------ notes

  const noteTemplate = document.getElementById("ws-note-template");
  let noteForm = null;

  function openNote() {
    if (!editable || locked || current < 0 || !noteTemplate) return;
    closeNote();
    const li = items[current];
    const id = idOf(li);
    noteForm = noteTemplate.content.firstElementChild.cloneNode(true);
    const area = noteForm.querySelector("textarea");
    const existing = li.querySelector(".utt-note");
    area.value = existing ? existing.textContent : "";
    li.appendChild(noteForm);
    area.focus();
    noteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      saveNote(id, area.value.trim());
    });
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        saveNote(id, area.value.trim());
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeNote();
      }
    });
    noteForm.querySelector("[data-action=cancel-note]").addEventListener("click", closeNote);
  }

  function closeNote() {
    if (noteForm) {
      noteForm.remove();
      noteForm = null;
      list.focus({ preventScroll: true });
    }
  }

  function setNote(id, text) {
    renderNote(id, text);
    enqueue({ key: "note:" + id, endpoint: "note", body: { utterance: id, text: text } });
  }

  function saveNote(id, text) {
    const existing = itemById.get(id).querySelector(".utt-note");
    const previous = existing ? existing.textContent : "";
    closeNote();
    if (text === previous) return;
    setNote(id, text);
    undoStack.push({ label: "note", revert: () => setNote(id, previous), utterance: id });
  }

  // ------------------------------------------------------------------ globals and session notes

  function checkedValue(fieldset) {
    const checked = fieldset.querySelector("input:checked");
    return checked ? Number(checked.value) : null;
  }
  function showGlobal(scaleId, value) {
    const fieldset = document.querySelector('.ws-global[data-scale="' + scaleId + '"]');
    if (!fieldset) return;
    fieldset.querySelectorAll("input").forEach((input) => {
      input.checked = value !== null && Number(input.value) === value;
    });
    fieldset.dataset.value = value === null ? "" : String(value);
  }
  function setGlobal(scaleId, value, previous) {
    showGlobal(scaleId, value);
    enqueue({ key: "global:" + scaleId, endpoint: "global", body: { scale: scaleId, value: value }, previous: previous });
  }
  document.querySelectorAll(".ws-global").forEach((fieldset) => {
    const scaleId = Number(fieldset.dataset.scale);
    fieldset.dataset.value = String(checkedValue(fieldset) ?? "");
    fieldset.addEventListener("change", () => {
      const previous = fieldset.dataset.value === "" ? null : Number(fieldset.dataset.value);
      const value = checkedValue(fieldset);
      setGlobal(scaleId, value, previous);
      undoStack.push({ label: "rating", revert: () => setGlobal(scaleId, previous, value) });
    });
    const clear = fieldset.querySelector("[data-action=clear-global]");
    if (clear) {
      clear.addEventListener("click", () => {
        const previous = checkedValue(fieldset);
        if (previous === null) return;
        setGlobal(scaleId, null, previous);
        undoStack.push({ label: "rating", revert: () => setGlobal(scaleId, previous, null) });
      });
    }
  });

  let notesTimer = null;
  function queueSessionNotes() {
    if (notesTimer) window.clearTimeout(notesTimer);
    notesTimer = null;
    enqueue({ key: "notes", endpoint: "notes", body: { text: notesArea.value } });
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

  // ------------------------------------------------------------------ audio

  const timed = items
    .filter((li) => li.dataset.start !== undefined)
    .map((li) => ({ li, start: Number(li.dataset.start), end: li.dataset.end !== undefined ? Number(li.dataset.end) : null }));
  let playing = null;

  function seek(seconds) {
    if (!audio) return;
    audio.currentTime = Math.max(0, seconds);
  }
  function togglePlay() {
    if (!audio) return;
    if (audio.paused) audio.play().catch(() => flash("The audio cannot be played"));
    else audio.pause();
  }
  function heardAt(t) {
    let low = 0;
    let high = timed.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (timed[middle].start <= t) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (found < 0) return null;
    const entry = timed[found];
    return entry.end === null || t <= entry.end + 0.25 ? entry.li : null;
  }
  if (audio) {
    audio.addEventListener("timeupdate", () => {
      const li = heardAt(audio.currentTime);
      if (li === playing) return;
      if (playing) playing.classList.remove("utt-playing");
      playing = li;
      if (li) {
        li.classList.add("utt-playing");
        if (followBox && followBox.checked && !audio.paused) keepInView(li);
      }
    });
  }

  // ------------------------------------------------------------------ submit

  const submitForm = document.getElementById("ws-submit-form");
  const confirmDialog = document.getElementById("ws-confirm");
  if (submitForm && confirmDialog) {
    submitForm.addEventListener("submit", (event) => {
      if (submitForm.dataset.confirmed === "1") return;
      event.preventDefault();
      const missing = Array.from(document.querySelectorAll(".ws-global"))
        .filter((fieldset) => checkedValue(fieldset) === null)
        .map((fieldset) => fieldset.querySelector("legend").textContent.trim());
      if (missing.length) {
        setStatus("failed", "Rate every global before submitting: " + missing.join(", "));
        document.getElementById("ws-globals-title").scrollIntoView({ block: "start" });
        return;
      }
      if (notesTimer) queueSessionNotes();
      setStatus("saving", "Sending every change before submitting…");
      whenIdle(15000).then((idle) => {
        if (!idle) {
          setStatus("failed", "Some changes are not saved yet, so the coding cannot be submitted; try again when the connection is back");
          return;
        }
        const codable = items.filter(isCodable).length;
        document.getElementById("ws-confirm-summary").textContent =
          coded + " of " + codable + " codable utterances have a code.";
        confirmDialog.returnValue = "";
        confirmDialog.showModal();
      });
    });
    confirmDialog.addEventListener("close", () => {
      if (confirmDialog.returnValue === "submit") {
        submitForm.dataset.confirmed = "1";
        submitForm.requestSubmit();
      }
    });
  }

  // ------------------------------------------------------------------ keyboard and mouse

  const helpDialog = document.getElementById("ws-help");
  function openHelp() {
    if (helpDialog && !helpDialog.open) helpDialog.showModal();
  }

  function isTyping(target) {
    if (!target || !target.closest) return false;
    if (target.closest("textarea, select, [contenteditable=true]")) return true;
    const input = target.closest("input");
    return Boolean(input) && !["radio", "checkbox", "button", "submit"].includes(input.type);
  }
  function onControl(target) {
    return Boolean(target && target.closest && target.closest("button, a, input, summary, audio"));
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    if (document.querySelector("dialog[open]")) return;
    const target = event.target;
    const key = event.key;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && key.toLowerCase() === "z") {
      if (isTyping(target)) return;
      event.preventDefault();
      undo();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(target)) return;
    const skip = skipBox ? skipBox.checked : false;
    switch (key) {
      case "ArrowDown":
        if (onControl(target) && target.type === "radio") return;
        move(1, skip && !event.shiftKey);
        break;
      case "ArrowUp":
        if (onControl(target) && target.type === "radio") return;
        move(-1, skip && !event.shiftKey);
        break;
      case "j":
        move(1, skip);
        break;
      case "k":
        move(-1, skip);
        break;
      case "J":
        move(1, false);
        break;
      case "K":
        move(-1, false);
        break;
      case "Home":
        select(0);
        break;
      case "End":
        select(items.length - 1);
        break;
      case "?":
        openHelp();
        break;
      case "n":
        openNote();
        break;
      case "z":
        undo();
        break;
      case " ":
        if (!audio || onControl(target)) return;
        togglePlay();
        break;
      case "[":
        if (!audio) return;
        seek(audio.currentTime - 5);
        break;
      case "]":
        if (!audio) return;
        seek(audio.currentTime + 5);
        break;
      case "Enter":
        if (!audio || onControl(target) || current < 0) return;
        if (items[current].dataset.start !== undefined) {
          seek(Number(items[current].dataset.start));
          audio.play().catch(() => {});
        }
        break;
      case "Escape":
        closeNote();
        break;
      default: {
        let wanted = key.length === 1 ? key.toLowerCase() : "";
        let code = codeByKey.get(wanted);
        if (!code && event.shiftKey && /^Digit\d$/.test(event.code)) {
          wanted = SHIFTED_DIGITS[event.code.slice(5)];
          code = codeByKey.get(wanted);
        }
        if (!code) return;
        toggleCode(code);
      }
    }
    event.preventDefault();
  });

  list.addEventListener("click", (event) => {
    if (event.target.closest(".ws-note-form")) return;
    const li = event.target.closest("li.utt");
    if (!li) return;
    const index = indexById.get(idOf(li));
    const badge = event.target.closest(".code-badge");
    if (badge && editable && index === current) {
      const code = codesById.get(Number(badge.dataset.code));
      changeCode(idOf(li), code, false);
      return;
    }
    select(index, { scroll: false });
    if (audio && li.dataset.start !== undefined) seek(Number(li.dataset.start));
  });

  document.querySelectorAll(".code-button").forEach((button) => {
    button.addEventListener("click", () => toggleCode(codesById.get(Number(button.dataset.code))));
  });

  document.addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]");
    if (!action) return;
    const name = action.dataset.action;
    if (name === "help") openHelp();
    else if (name === "note") openNote();
    else if (name === "undo") undo();
    else if (name === "play") togglePlay();
    else if (name === "back" && audio) seek(audio.currentTime - 5);
    else if (name === "forward" && audio) seek(audio.currentTime + 5);
  });

  // ------------------------------------------------------------------ start

  // Replay changes a previous page left unsent (a reload, a crash, a network error).
  const leftover = editable ? readQueue() : [];
  leftover.forEach((op) => {
    if (op.endpoint === "code") applyLocal(op.body.utterance, op.body.code, op.body.action === "set");
    else if (op.endpoint === "note") renderNote(op.body.utterance, op.body.text);
    else if (op.endpoint === "global") showGlobal(op.body.scale, op.body.value);
    else if (op.endpoint === "notes" && notesArea) notesArea.value = op.body.text;
  });
  if (!editable && readQueue().length) {
    setStatus("failed", "Changes made before this coding was locked could not be saved");
    writeQueue([]);
  }
  if (editable) {
    markPending();
    if (leftover.length) setStatus("saving", "Sending " + waiting(leftover) + " left from before…");
    pump();
  }

  const hash = /^#u(\d+)$/.exec(window.location.hash);
  const start = hash && indexById.has(Number(hash[1])) ? indexById.get(Number(hash[1])) : firstCodable();
  if (items.length) select(start, { scroll: Boolean(hash) });
  list.focus({ preventScroll: true });
  document.documentElement.dataset.wsReady = "1";
  if (window.performance && performance.mark) performance.mark("ws-ready");
})();
