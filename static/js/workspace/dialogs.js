// The help dialog, the note editor on an utterance, and the submit confirmation.

export function createHelp(dialog) {
  return {
    open() {
      if (dialog && !dialog.open) dialog.showModal();
    },
  };
}

// The note form opens inside the selected utterance; Enter saves, Esc cancels.
export function createNoteEditor({ template, list, onSave }) {
  let form = null;

  function close() {
    if (!form) return;
    form.remove();
    form = null;
    list.focus({ preventScroll: true });
  }

  // existing: {text, forFeedback}; onSave(id, next, existing) with next of the same shape.
  function open(li, id, existing) {
    if (!template) return;
    close();
    form = template.content.firstElementChild.cloneNode(true);
    const area = form.querySelector("textarea");
    const feedback = form.querySelector("input[name=for_feedback]");
    area.value = existing.text;
    if (feedback) feedback.checked = existing.forFeedback;
    li.appendChild(form);
    area.focus();
    const save = () => {
      const next = { text: area.value.trim(), forFeedback: Boolean(feedback && feedback.checked) };
      close();
      if (!next.text) next.forFeedback = false;
      if (next.text !== existing.text || next.forFeedback !== existing.forFeedback) {
        onSave(id, next, existing);
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save();
    });
    // Keys typed in the note box (its checkbox included) are the note's, never the
    // workspace's: a letter on the checkbox must not set a code.
    form.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter" && !event.shiftKey && event.target.tagName !== "BUTTON") {
        event.preventDefault();
        save();
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    form.querySelector("[data-action=cancel-note]").addEventListener("click", close);
  }

  return { open, close, isOpen: () => form !== null };
}

// Submit: every global rated, every change sent, then the confirmation; cancelling it puts the
// status line back to the state of the changes.
export function createSubmit({ form, dialog, summary, globals, queue, status, beforeSend, describe, restoreStatus }) {
  if (!form || !dialog) return { start() {} };

  function start() {
    const missing = globals.missing();
    if (missing.length) {
      status.set("failed", "Rate every global before submitting: " + missing.join(", "));
      document.getElementById("ws-globals-title").scrollIntoView({ block: "start" });
      return;
    }
    beforeSend();
    status.set("saving", "Sending every change before submitting…");
    queue.whenIdle(15000).then((idle) => {
      if (!idle) {
        status.set("failed", "Some changes are not saved yet, so the coding cannot be submitted; try again when the connection is back");
        return;
      }
      summary.textContent = describe();
      dialog.returnValue = "";
      dialog.showModal();
    });
  }

  form.addEventListener("submit", (event) => {
    if (form.dataset.confirmed === "1") return;
    event.preventDefault();
    start();
  });
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "submit") {
      form.dataset.confirmed = "1";
      form.requestSubmit();
    } else {
      restoreStatus();
    }
  });
  return { start };
}
