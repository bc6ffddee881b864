// The model page while a suggester trains: poll its status and show the progress; reload once
// training has ended so the page shows the figures (or the reason it failed).

const box = document.getElementById("suggester-progress");
const POLL_MS = 1500;

function show(data) {
  box.querySelector('[data-field="status"]').textContent = data.status_label;
  box.querySelector('[data-field="message"]').textContent = data.message;
  const bar = box.querySelector('[data-field="progress"]');
  if (bar) {
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(data.progress));
  }
}

function poll() {
  fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data) return;
      show(data);
      if (data.finished) window.location.reload();
      else window.setTimeout(poll, POLL_MS);
    })
    .catch(() => window.setTimeout(poll, POLL_MS * 4));
}

if (box && !box.dataset.finished) window.setTimeout(poll, POLL_MS);
