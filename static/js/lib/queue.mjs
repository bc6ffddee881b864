// A queue of unsent changes for pages that save as the user works (no DOM, no globals).
//
// Each change ("op") sets or clears one thing and carries a `key` naming that thing, an
// `endpoint` name and a JSON `body`. Ops are sent in order, one request at a time. A later op
// for the same key replaces an unsent earlier one, since sets and clears are idempotent and
// only the last word matters; the op already in flight is never replaced, because its answer
// must still be read. The queue is written through to an injected storage object (the
// localStorage interface: getItem, setItem, removeItem), so a reload or a crash finds it there.
//
// Sending is injected too: `send(op)` returns a promise of `{status, data}` (the HTTP status
// and the parsed JSON answer, or null) and rejects when the server cannot be reached.

// Answers that are the server's last word on a change: sending it again cannot help.
export const REFUSED = Object.freeze([400, 404, 409, 422]);
// The owner of the data is gone (submitted, locked): nothing queued can be saved any more.
export const LOCKED = 409;

const defaultTimers = {
  setTimeout: (callback, delay) => setTimeout(callback, delay),
  clearTimeout: (handle) => clearTimeout(handle),
};

// Milliseconds to wait before the `failures`-th retry: doubling from `base`, capped, plus
// up to `jitter` so that many pages cut off together do not all come back at once.
export function backoff(failures, { base = 1000, cap = 30000, jitter = 400, random = Math.random } = {}) {
  const exponent = Math.max(0, failures - 1);
  return Math.min(cap, base * Math.pow(2, exponent)) + Math.floor(random() * jitter);
}

function isOp(value) {
  return Boolean(value) && typeof value === "object" && typeof value.key === "string" && typeof value.endpoint === "string";
}

export function readStored(storage, key) {
  try {
    const raw = storage ? storage.getItem(key) : null;
    const ops = raw ? JSON.parse(raw) : [];
    return Array.isArray(ops) ? ops.filter(isOp) : [];
  } catch (error) {
    return [];
  }
}

export class ChangeQueue {
  // handlers: onSettle(op, data, {superseded}), onRefuse(op, message, status, dropped),
  // onStatus(status), onChange(ops), onIdle(). Every one is optional.
  constructor({ storage = null, storageKey, send, handlers = {}, timers = defaultTimers, random = Math.random, now = Date.now, retry = {} }) {
    this.storage = storage;
    this.storageKey = storageKey;
    this.send = send;
    this.handlers = handlers;
    this.timers = timers;
    this.random = random;
    this.now = now;
    this.retry = retry;
    this.ops = readStored(storage, storageKey);
    this.sequence = 0;
    this.inFlight = null;
    this.failures = 0;
    this.retryTimer = null;
    this.waiters = [];
    this.refusal = ""; // the server's reason for the last change it refused
    this.locked = false; // the server said nothing more can be saved
    this.current = { state: "saved" };
  }

  get size() {
    return this.ops.length;
  }

  get busy() {
    return this.ops.length > 0 || this.inFlight !== null;
  }

  pending() {
    return this.ops.slice();
  }

  enqueue(change) {
    if (this.locked) return null;
    this.refusal = "";
    const op = Object.assign({}, change, { id: this.now().toString(36) + "-" + (this.sequence += 1) });
    this.write(this.ops.filter((q) => q.key !== op.key || q.id === this.inFlight).concat([op]));
    this.pump();
    return op;
  }

  // Drop every unsent op, e.g. when the page learns it may no longer change anything.
  clear() {
    const dropped = this.ops.filter((q) => q.id !== this.inFlight);
    this.write(this.ops.filter((q) => q.id === this.inFlight));
    return dropped;
  }

  // Send now rather than when the retry timer says (the connection is back, the user asked).
  retryNow() {
    if (this.retryTimer !== null) {
      this.timers.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.pump();
  }

  // Resolves true once everything is sent, false after `timeout` ms if it is not.
  whenIdle(timeout) {
    if (!this.busy) return Promise.resolve(true);
    const promise = new Promise((resolve) => {
      this.waiters.push(resolve);
      this.timers.setTimeout(() => resolve(false), timeout);
    });
    this.retryNow();
    return promise;
  }

  status() {
    return this.current;
  }

  pump() {
    if (this.inFlight !== null || this.retryTimer !== null) return;
    if (!this.ops.length) {
      this.report(this.refusal ? { state: "refused", message: this.refusal } : { state: "saved" });
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((resolve) => resolve(!this.locked));
      this.call("onIdle");
      return;
    }
    const op = this.ops[0];
    this.inFlight = op.id;
    this.report({ state: "saving", waiting: this.ops.length });
    let sending;
    try {
      sending = Promise.resolve(this.send(op));
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      (answer) => this.answered(op, answer || {}),
      () => this.failed({ reason: "offline" })
    );
  }

  answered(op, { status, data }) {
    this.inFlight = null;
    if (status >= 200 && status < 300 && data && data.ok) {
      this.failures = 0;
      this.remove(op.id);
      this.call("onSettle", op, data, { superseded: this.ops.some((q) => q.key === op.key) });
    } else if (data && REFUSED.includes(status)) {
      this.failures = 0;
      this.remove(op.id);
      let dropped = [];
      if (status === LOCKED) {
        this.locked = true;
        dropped = this.clear();
      }
      this.refusal = String(data.error || "the server refused the change");
      this.call("onRefuse", op, this.refusal, status, dropped);
    } else {
      this.failed({ reason: status === 401 || status === 403 ? "signed-out" : "server", httpStatus: status });
      return;
    }
    this.pump();
  }

  failed(why) {
    this.inFlight = null;
    this.failures += 1;
    const delay = backoff(this.failures, Object.assign({ random: this.random }, this.retry));
    this.report(Object.assign({ state: "retrying", waiting: this.ops.length, delay }, why));
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, delay);
  }

  remove(id) {
    this.write(this.ops.filter((q) => q.id !== id));
  }

  write(ops) {
    this.ops = ops;
    try {
      if (this.storage) {
        if (ops.length) this.storage.setItem(this.storageKey, JSON.stringify(ops));
        else this.storage.removeItem(this.storageKey);
      }
    } catch (error) {
      /* storage full or disabled: the queue lives in memory only */
    }
    this.call("onChange", ops);
  }

  report(status) {
    this.current = status;
    this.call("onStatus", status);
  }

  call(name, ...args) {
    const handler = this.handlers[name];
    if (handler) handler(...args);
  }
}

export function countChanges(count) {
  return count === 1 ? "1 change" : count + " changes";
}

// What a status line says for a queue status: [kind for styling, text].
export function statusText(status) {
  switch (status.state) {
    case "saving":
      return ["saving", "Saving… (" + countChanges(status.waiting) + ")"];
    case "refused":
      return ["failed", "Not saved: " + status.message];
    case "retrying": {
      const reason =
        status.reason === "offline"
          ? "Offline"
          : status.reason === "signed-out"
            ? "Signed out or session changed: sign in again in another tab"
            : "The server did not save (" + status.httpStatus + ")";
      const seconds = Math.round(status.delay / 1000);
      return ["failed", reason + ": " + countChanges(status.waiting) + " kept in this browser, retrying in " + seconds + " s"];
    }
    default:
      return ["saved", "All changes saved"];
  }
}
