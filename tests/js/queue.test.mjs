// The offline change queue: order, one request in flight, last word per key, persistence,
// backoff, and what the server's refusals do.
import { test } from "node:test";
import assert from "node:assert/strict";

import { ChangeQueue, backoff, readStored, statusText } from "../../static/js/lib/queue.mjs";

class MemoryStorage {
  constructor(items = {}) {
    this.items = new Map(Object.entries(items));
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

class BrokenStorage {
  getItem() {
    throw new Error("denied");
  }
  setItem() {
    throw new Error("quota");
  }
  removeItem() {
    throw new Error("denied");
  }
}

// Timers the test fires by hand.
class ManualTimers {
  constructor() {
    this.pending = new Map();
    this.next = 1;
  }
  setTimeout(callback, delay) {
    const handle = this.next++;
    this.pending.set(handle, { callback, delay });
    return handle;
  }
  clearTimeout(handle) {
    this.pending.delete(handle);
  }
  delays() {
    return Array.from(this.pending.values()).map((t) => t.delay);
  }
  fireAll() {
    const due = Array.from(this.pending.values());
    this.pending.clear();
    due.forEach((t) => t.callback());
  }
}

// A server the test answers by hand: every request waits until the test settles it.
class FakeServer {
  constructor() {
    this.requests = [];
  }
  send = (op) =>
    new Promise((resolve, reject) => {
      this.requests.push({ op, resolve, reject });
    });
  get open() {
    return this.requests.filter((r) => !r.done);
  }
  answer(status, data) {
    const request = this.open[0];
    request.done = true;
    request.resolve({ status, data });
    return flush();
  }
  ok(extra = {}) {
    return this.answer(200, { ok: true, ...extra });
  }
  cutOff() {
    const request = this.open[0];
    request.done = true;
    request.reject(new TypeError("Failed to fetch"));
    return flush();
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function make({ storage = new MemoryStorage(), random = () => 0, timers = new ManualTimers() } = {}) {
  const server = new FakeServer();
  const events = { settled: [], refused: [], statuses: [], idle: 0, changes: 0 };
  let clock = 1000;
  const queue = new ChangeQueue({
    storage,
    storageKey: "queue-7",
    send: server.send,
    timers,
    random,
    now: () => clock++,
    handlers: {
      onSettle: (op, data, info) => events.settled.push({ key: op.key, data, superseded: info.superseded }),
      onRefuse: (op, message, status, dropped) => events.refused.push({ key: op.key, message, status, dropped: dropped.map((d) => d.key) }),
      onStatus: (status) => events.statuses.push(status),
      onIdle: () => (events.idle += 1),
      onChange: () => (events.changes += 1),
    },
  });
  return { queue, server, events, storage, timers };
}

const set = (utterance, code) => ({ key: "code:" + utterance + ":" + code, endpoint: "code", body: { utterance, code, action: "set" } });
const clear = (utterance, code) => ({ key: "code:" + utterance + ":" + code, endpoint: "code", body: { utterance, code, action: "clear" } });

test("changes are sent in order, one request at a time", async () => {
  const { queue, server } = make();
  queue.enqueue(set(1, 10));
  queue.enqueue(set(2, 10));
  queue.enqueue(set(3, 10));
  assert.equal(server.requests.length, 1);
  assert.deepEqual(server.requests[0].op.body, { utterance: 1, code: 10, action: "set" });
  await server.ok();
  assert.equal(server.requests.length, 2);
  assert.equal(server.requests[1].op.body.utterance, 2);
  await server.ok();
  await server.ok();
  assert.deepEqual(
    server.requests.map((r) => r.op.body.utterance),
    [1, 2, 3]
  );
  assert.equal(queue.size, 0);
  assert.equal(queue.busy, false);
});

test("the last word per key wins, but the change in flight is never replaced", async () => {
  const { queue, server, events } = make();
  queue.enqueue(set(1, 10)); // in flight
  queue.enqueue(clear(1, 10)); // waits behind it: both kept
  queue.enqueue(set(2, 10));
  queue.enqueue(clear(2, 10)); // replaces the unsent set of 2
  queue.enqueue(set(1, 10)); // replaces the unsent clear of 1, not the one in flight
  assert.deepEqual(
    queue.pending().map((op) => [op.key, op.body.action]),
    [
      ["code:1:10", "set"],
      ["code:2:10", "clear"],
      ["code:1:10", "set"],
    ]
  );
  await server.ok();
  // The answer for the first set is not the last word on that key: the page must not apply it.
  assert.deepEqual(events.settled[0], { key: "code:1:10", data: { ok: true }, superseded: true });
  await server.ok();
  await server.ok();
  assert.deepEqual(
    server.requests.map((r) => r.op.key + " " + r.op.body.action),
    ["code:1:10 set", "code:2:10 clear", "code:1:10 set"]
  );
  assert.equal(events.settled[2].superseded, false);
});

test("the queue is written through to storage and read back by the next page", async () => {
  const storage = new MemoryStorage();
  const first = make({ storage });
  first.queue.enqueue(set(1, 10));
  first.queue.enqueue(set(2, 11));
  const stored = JSON.parse(storage.getItem("queue-7"));
  assert.deepEqual(
    stored.map((op) => op.key),
    ["code:1:10", "code:2:11"]
  );
  // The page goes away before any answer; the next one finds both changes and sends them.
  const second = make({ storage });
  assert.deepEqual(
    second.queue.pending().map((op) => op.key),
    ["code:1:10", "code:2:11"]
  );
  second.queue.pump();
  await second.server.ok();
  await second.server.ok();
  assert.equal(storage.getItem("queue-7"), null, "an empty queue leaves nothing behind");
});

test("a storage that refuses or holds garbage leaves a queue that works in memory", async () => {
  const broken = make({ storage: new BrokenStorage() });
  broken.queue.enqueue(set(1, 10));
  assert.equal(broken.queue.size, 1);
  await broken.server.ok();
  assert.equal(broken.queue.size, 0);

  assert.deepEqual(readStored(new MemoryStorage({ q: "{not json" }), "q"), []);
  assert.deepEqual(readStored(new MemoryStorage({ q: '{"key": "x"}' }), "q"), []);
  assert.deepEqual(
    readStored(new MemoryStorage({ q: '[{"key": "a", "endpoint": "code"}, 3, null, {"endpoint": "code"}]' }), "q"),
    [{ key: "a", endpoint: "code" }]
  );
});

test("an unreachable server is retried with capped exponential backoff and jitter", async () => {
  const { queue, server, timers, events } = make({ random: () => 0.5 });
  queue.enqueue(set(1, 10));
  for (let attempt = 1; attempt <= 7; attempt += 1) {
    await server.cutOff();
    assert.equal(timers.pending.size, 1);
    timers.fireAll();
  }
  const delays = events.statuses.filter((s) => s.state === "retrying").map((s) => s.delay);
  assert.deepEqual(delays, [1200, 2200, 4200, 8200, 16200, 30200, 30200]);
  assert.equal(queue.size, 1, "nothing is lost while the server is away");
  await server.ok();
  assert.equal(queue.size, 0);
  assert.deepEqual(events.statuses.at(-1), { state: "saved" });
});

test("backoff doubles from the base, stops at the cap and adds at most the jitter", () => {
  assert.equal(backoff(1, { random: () => 0 }), 1000);
  assert.equal(backoff(2, { random: () => 0 }), 2000);
  assert.equal(backoff(10, { random: () => 0 }), 30000);
  assert.equal(backoff(10, { random: () => 0.999 }), 30399);
  assert.equal(backoff(3, { base: 100, cap: 250, jitter: 0, random: () => 0.9 }), 250);
});

test("a server error or a lost session is retried, and says why", async () => {
  const { queue, server, events, timers } = make();
  queue.enqueue(set(1, 10));
  await server.answer(500, null);
  assert.deepEqual(statusText(events.statuses.at(-1)), [
    "failed",
    "The server did not save (500): 1 change kept in this browser, retrying in 1 s",
  ]);
  timers.fireAll();
  await server.answer(401, { ok: false, error: "You are signed out." });
  assert.match(statusText(events.statuses.at(-1))[1], /^Signed out or session changed/);
  assert.equal(queue.size, 1);
  queue.retryNow();
  assert.equal(timers.pending.size, 0, "retrying now cancels the timer");
  await server.ok();
  assert.equal(queue.size, 0);
});

test("a refused change is dropped with the server's reason, and the rest carries on", async () => {
  const { queue, server, events } = make();
  queue.enqueue(set(1, 10));
  queue.enqueue(set(2, 10));
  await server.answer(422, { ok: false, error: "Q codes practitioner utterances only." });
  assert.deepEqual(events.refused, [{ key: "code:1:10", message: "Q codes practitioner utterances only.", status: 422, dropped: [] }]);
  assert.equal(server.requests.length, 2, "the next change is sent");
  await server.ok();
  // The refusal stays on the status line until the next change.
  assert.deepEqual(statusText(queue.status()), ["failed", "Not saved: Q codes practitioner utterances only."]);
  queue.enqueue(set(3, 10));
  await server.ok();
  assert.deepEqual(statusText(queue.status()), ["saved", "All changes saved"]);
});

test("409 means locked: everything queued is dropped and nothing more is accepted", async () => {
  const { queue, server, events, storage } = make();
  queue.enqueue(set(1, 10));
  queue.enqueue(set(2, 10));
  queue.enqueue({ key: "global:4", endpoint: "global", body: { scale: 4, value: 3 } });
  await server.answer(409, { ok: false, error: "This coding is submitted and locked." });
  assert.deepEqual(events.refused, [
    { key: "code:1:10", message: "This coding is submitted and locked.", status: 409, dropped: ["code:2:10", "global:4"] },
  ]);
  assert.equal(queue.size, 0);
  assert.equal(queue.locked, true);
  assert.equal(storage.getItem("queue-7"), null);
  assert.equal(queue.enqueue(set(5, 10)), null);
  assert.equal(server.requests.length, 1, "nothing else was sent");
});

test("whenIdle answers once everything is sent, or false when time runs out", async () => {
  const { queue, server, timers } = make();
  assert.equal(await queue.whenIdle(100), true);
  queue.enqueue(set(1, 10));
  const idle = queue.whenIdle(15000);
  await server.ok();
  assert.equal(await idle, true);

  queue.enqueue(set(2, 10));
  await server.cutOff();
  const stuck = queue.whenIdle(15000);
  assert.equal(server.requests.length, 3, "waiting for idle retries at once");
  await server.cutOff();
  timers.pending.forEach((t) => {
    if (t.delay === 15000) t.callback();
  });
  assert.equal(await stuck, false);
});

test("handlers hear about every change to the queue and when it drains", async () => {
  const { queue, server, events } = make();
  queue.enqueue(set(1, 10));
  assert.equal(events.changes, 1);
  assert.deepEqual(events.statuses.at(-1), { state: "saving", waiting: 1 });
  await server.ok({ utterance: 1, code: 10, present: true });
  assert.equal(events.changes, 2);
  assert.equal(events.idle, 1);
  assert.deepEqual(events.settled[0].data, { ok: true, utterance: 1, code: 10, present: true });
});

test("status lines", () => {
  assert.deepEqual(statusText({ state: "saving", waiting: 3 }), ["saving", "Saving… (3 changes)"]);
  assert.deepEqual(statusText({ state: "retrying", reason: "offline", waiting: 1, delay: 2400 }), [
    "failed",
    "Offline: 1 change kept in this browser, retrying in 2 s",
  ]);
  assert.deepEqual(statusText({ state: "saved" }), ["saved", "All changes saved"]);
});
