// The status line: the saving state as it stands, and short messages that pass over it.

const FLASH_MS = 2500;

export function createStatusLine(element) {
  let lastText = "";
  let standing = null; // [kind, text]: what the line returns to after a passing message
  let flashTimer = null;

  function show(kind, text) {
    if (!element) return;
    element.dataset.state = kind;
    if (text !== lastText) {
      element.textContent = text;
      lastText = text;
    }
  }

  return {
    // The state that stands until the next one; a failure interrupts a passing message.
    set(kind, text) {
      standing = [kind, text];
      if (flashTimer && kind === "failed") {
        window.clearTimeout(flashTimer);
        flashTimer = null;
      }
      if (!flashTimer) show(kind, text);
    },
    flash(message) {
      if (flashTimer) window.clearTimeout(flashTimer);
      flashTimer = window.setTimeout(() => {
        flashTimer = null;
        if (standing) show(standing[0], standing[1]);
      }, FLASH_MS);
      show("info", message);
    },
    onClick(listener) {
      if (element) element.addEventListener("click", listener);
    },
  };
}
