// Sending one queued change (lib/queue.mjs) to its endpoint: a JSON POST answered with
// {status, data}, where data is the parsed answer or null.

import { csrfToken } from "../csrf.js";

export function sender(urls) {
  return (op) =>
    fetch(urls[op.endpoint], {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify(op.body),
    }).then((response) =>
      response
        .json()
        .catch(() => null)
        .then((data) => ({ status: response.status, data }))
    );
}
