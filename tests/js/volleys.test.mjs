// Volleys marked on a recording: order, lookup by time, split, merge, bounds and speeds.
import { test } from "node:test";
import assert from "node:assert/strict";

import { SPEEDS, Volleys, clamp, clock, inBounds, joinNotes, nextSpeed } from "../../static/js/lib/volleys.mjs";

const bounds = { start: 60000, end: 540000 };

function sample() {
  return new Volleys(
    [
      { at: 70000, speaker: "client", codes: [] },
      { at: 61000, speaker: "practitioner", codes: [7] },
      { at: 65000, speaker: "practitioner", codes: [] },
    ],
    bounds
  );
}

test("volleys are kept in time order and found by their instant", () => {
  const volleys = sample();
  assert.deepEqual(volleys.items.map((v) => v.at), [61000, 65000, 70000]);
  assert.equal(volleys.indexOf(65000), 1);
  assert.equal(volleys.indexOf(64000), -1);
  assert.equal(volleys.get(61000).codes.has(7), true);
});

test("the volley playing at a time is the last one started", () => {
  const volleys = sample();
  assert.equal(volleys.at(60500), null);
  assert.equal(volleys.at(61000).at, 61000);
  assert.equal(volleys.at(69999).at, 65000);
  assert.equal(volleys.at(600000).at, 70000);
  assert.equal(volleys.endOf(61000), 65000);
  assert.equal(volleys.endOf(70000), 540000);
});

test("marking the same volley twice keeps one; another speaker at that instant is refused", () => {
  const volleys = sample();
  assert.equal(volleys.add(61000, "practitioner"), volleys.get(61000));
  assert.equal(volleys.add(61000, "client"), null);
  assert.equal(volleys.size, 3);
  assert.match(volleys.refusal(61000), /already starts at 1:01.0/);
  assert.equal(volleys.refusal(61000, 61000), null);
  assert.match(volleys.refusal(59000), /outside/);
  assert.match(volleys.refusal(540000), /outside/);
});

test("split, merge, move, remove and restore", () => {
  const volleys = sample();
  const second = volleys.split(61000, 63000);
  assert.equal(second.speaker, "practitioner");
  assert.equal(second.codes.size, 0);
  assert.equal(volleys.split(61000, 66000), null, "outside the volley");
  second.codes.add(9);
  const merged = volleys.merge(61000);
  assert.deepEqual([...merged.item.codes].sort(), [7, 9]);
  assert.equal(volleys.merge(65000), null, "a client volley follows");
  volleys.move(65000, 66000);
  assert.deepEqual(volleys.items.map((v) => v.at), [61000, 66000, 70000]);
  const removed = volleys.remove(61000);
  assert.equal(volleys.size, 2);
  volleys.restore(removed);
  assert.deepEqual([...volleys.get(61000).codes].sort(), [7, 9]);
});

test("counts add up the codes on every volley", () => {
  const volleys = sample();
  volleys.get(65000).codes.add(7);
  assert.equal(volleys.counts().get(7), 2);
});

test("the timeline places each volley in percent of the segment", () => {
  const volleys = new Volleys([{ at: 0, speaker: "practitioner" }, { at: 50000, speaker: "client" }], { start: 0, end: 100000 });
  assert.deepEqual(volleys.layout(100000), [
    { at: 0, left: 0, width: 50 },
    { at: 50000, left: 50, width: 50 },
  ]);
});

test("speeds step from 0.75 to 2 and stay there", () => {
  assert.equal(nextSpeed(1, 1), 1.25);
  assert.equal(nextSpeed(1, -1), 0.75);
  assert.equal(nextSpeed(0.75, -1), 0.75);
  assert.equal(nextSpeed(2, 1), 2);
  assert.deepEqual([SPEEDS[0], SPEEDS[SPEEDS.length - 1]], [0.75, 2]);
});

test("times read as m:ss.t and clamp into the bounds", () => {
  assert.equal(clock(61234), "1:01.2");
  assert.equal(clock(0), "0:00.0");
  assert.equal(inBounds(bounds, 60000), true);
  assert.equal(clamp(bounds, 10), 60000);
  assert.equal(clamp(bounds, 999999), 539999);
  assert.equal(clamp({ start: 0, end: null }, 5.4), 5);
});

test("a merge joins the notes as the server does", () => {
  const volleys = new Volleys(
    [
      { at: 1000, speaker: "practitioner", codes: [], note: "Good open question", feedback: false },
      { at: 2000, speaker: "practitioner", codes: [], note: "Could reflect here", feedback: true },
      { at: 3000, speaker: "practitioner", codes: [] },
      { at: 4000, speaker: "practitioner", codes: [], note: "Alone" },
    ],
    { start: 0, end: null }
  );
  volleys.merge(1000);
  assert.deepEqual(volleys.get(1000).note, {
    text: "Good open question\nCould reflect here",
    forFeedback: true,
  });
  volleys.merge(3000);
  assert.deepEqual(volleys.get(3000).note, { text: "Alone", forFeedback: false });
  assert.deepEqual(joinNotes({ text: "kept", forFeedback: false }, { text: "", forFeedback: true }), {
    text: "kept",
    forFeedback: false,
  });
  assert.equal(joinNotes({ text: "a", forFeedback: false }, { text: "b".repeat(6000), forFeedback: false }).text.length, 5000);
});
