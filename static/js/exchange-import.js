// Confirming an import can take a few seconds: say so, and stop a second submission.
document.querySelectorAll("form[data-busy-label]").forEach((form) => {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    const status = form.querySelector("[data-busy-status]");
    if (button) button.disabled = true;
    if (status) status.textContent = form.dataset.busyLabel;
  });
});
