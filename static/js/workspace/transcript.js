// The transcript on the page: its utterances, the selection, and drawing one utterance's codes
// and note. The server renders every utterance; this only reads and updates them.

import { step, first } from "../lib/selection.mjs";

export function createTranscript({ list, codes, codableRoles, storage, storageKey }) {
  const items = Array.from(list.querySelectorAll("li.utt"));
  const itemById = new Map();
  const indexById = new Map();
  const roles = [];
  const held = [];
  const anyCodable = codableRoles.has("any");
  items.forEach((li, index) => {
    const id = Number(li.id.slice(1));
    itemById.set(id, li);
    indexById.set(id, index);
    roles.push(li.classList.contains("utt-practitioner") ? "practitioner" : li.classList.contains("utt-client") ? "client" : "other");
    held.push([id, li.dataset.codes ? li.dataset.codes.split(",").map(Number) : []]);
  });
  const isCodable = (index) => anyCodable || codableRoles.has(roles[index]);
  const listeners = [];
  let current = -1;
  let pendingShown = new Set();

  function idAt(index) {
    return Number(items[index].id.slice(1));
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

  function settleInView(index, frames = 8) {
    let last = null;
    const step = () => {
      if (current !== index) return;
      keepInView(items[index]);
      const top = items[index].getBoundingClientRect().top;
      if (top === last || --frames <= 0) return;
      last = top;
      window.requestAnimationFrame(step);
    };
    window.requestAnimationFrame(step);
  }

  // The utterance selected last is kept per coding, so a reload opens where the coder was.
  function remember(id) {
    try {
      if (storage) storage.setItem(storageKey, String(id));
    } catch (error) {
      /* storage disabled: the page opens at the top next time */
    }
  }
  function remembered() {
    try {
      return (storage && Number(storage.getItem(storageKey))) || null;
    } catch (error) {
      return null;
    }
  }

  function select(index, { scroll = true, settle = false } = {}) {
    if (index < 0 || index >= items.length) return;
    if (current >= 0) items[current].setAttribute("aria-selected", "false");
    current = index;
    const li = items[index];
    li.setAttribute("aria-selected", "true");
    list.setAttribute("aria-activedescendant", li.id);
    if (scroll) keepInView(li);
    // Utterances off screen are laid out at an estimated height until drawn: after a long
    // jump, look again on the next frames, until the ones around it have their real size and
    // it stays put (or the coder has moved on).
    if (settle) settleInView(index);
    remember(idAt(index));
    listeners.forEach((listener) => listener(index));
  }

  // Make the boxes the server leaves out when empty, as they are needed.
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

  return {
    list,
    items,
    held,
    get current() {
      return current;
    },
    currentId() {
      return current >= 0 ? idAt(current) : null;
    },
    currentItem() {
      return current >= 0 ? items[current] : null;
    },
    roleAt: (index) => roles[index],
    roleOf: (id) => roles[indexById.get(id)],
    indexOf: (id) => indexById.get(id),
    item: (id) => itemById.get(id),
    idOf: (li) => Number(li.id.slice(1)),
    isCodable,
    codableCount: () => items.filter((li, index) => isCodable(index)).length,
    firstCodable: () => first(items.length, isCodable),
    remembered,
    onSelect(listener) {
      listeners.push(listener);
    },
    select,
    selectId(id, options) {
      if (indexById.has(id)) select(indexById.get(id), options);
    },
    move(delta, skipUncodable) {
      const index = step(current, delta, items.length, skipUncodable ? isCodable : undefined);
      if (index >= 0) select(index);
    },
    keepInView,
    renderCodes(id, codeIds) {
      const box = part(itemById.get(id), "codes");
      box.replaceChildren(
        ...codes
          .filter((code) => codeIds.has(code.id))
          .map((code) => {
            const badge = document.createElement("span");
            badge.className = "code-badge tone-" + code.tone;
            badge.dataset.code = code.id;
            badge.title = code.name;
            badge.textContent = code.abbr;
            return badge;
          })
      );
    },
    // {text, forFeedback}: a note is private to coders and supervisors unless marked.
    noteOf(id) {
      const note = itemById.get(id).querySelector(".utt-note");
      return {
        text: note ? note.textContent : "",
        forFeedback: Boolean(note && note.dataset.feedback === "1"),
      };
    },
    renderNote(id, text, forFeedback = false) {
      const note = part(itemById.get(id), "note");
      note.textContent = text;
      note.hidden = !text;
      if (forFeedback && text) note.dataset.feedback = "1";
      else delete note.dataset.feedback;
    },
    // Mark the utterances with changes not yet saved.
    markPending(ids) {
      pendingShown.forEach((id) => {
        if (!ids.has(id) && itemById.has(id)) itemById.get(id).classList.remove("utt-pending");
      });
      ids.forEach((id) => {
        if (itemById.has(id)) itemById.get(id).classList.add("utt-pending");
      });
      pendingShown = ids;
    },
  };
}
