// The volleys of a coding made from audio (no DOM, no globals): each coder's own units,
// marked on the recording. A volley is {at, end, speaker, codes, note} with times in
// milliseconds and note {text, forFeedback} (text "" for none);
// `at` names it, since no two volleys of a coding start at the same instant. A volley lasts
// until its `end` or, without one, until the next volley starts (or the segment ends).

export const SPEEDS = Object.freeze([0.75, 1, 1.25, 1.5, 1.75, 2]);

// The next playback speed up (step 1) or down (step -1) from `rate`, within SPEEDS.
export function nextSpeed(rate, step) {
  let index = SPEEDS.findIndex((speed) => speed >= rate - 1e-9);
  if (index < 0) index = SPEEDS.length - 1;
  return SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, index + step))];
}

// m:ss.t for milliseconds, as the server writes times in its messages.
export function clock(ms) {
  const tenths = Math.floor(ms / 100);
  const seconds = Math.floor(tenths / 10);
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}.${tenths % 10}`;
}

// Where a volley may start: inside [start, end) of the segment and the recording.
export function inBounds(bounds, ms) {
  return ms >= bounds.start && (bounds.end === null || ms < bounds.end);
}

// A time clamped into the bounds (the last whole millisecond before the end).
export function clamp(bounds, ms) {
  const low = Math.max(bounds.start, Math.round(ms));
  return bounds.end === null ? low : Math.min(bounds.end - 1, low);
}

export const NOTE_MAX_CHARS = 5000;

// The note of a volley merged away joined to the note of the volley it joins.
export function joinNotes(kept, gone) {
  if (!gone.text) return kept;
  if (!kept.text) return { ...gone };
  return {
    text: (kept.text + "\n" + gone.text).slice(0, NOTE_MAX_CHARS),
    forFeedback: kept.forFeedback || gone.forFeedback,
  };
}

export class Volleys {
  // items: [{at, end, speaker, codes: [ids], note?: text, feedback?: bool}] as the server
  // sends them; bounds: {start, end|null} in ms.
  constructor(items = [], bounds = { start: 0, end: null }) {
    this.bounds = bounds;
    this.items = items
      .map((item) => ({
        at: item.at,
        end: item.end ?? null,
        speaker: item.speaker,
        codes: new Set(item.codes || []),
        note: { text: item.note || "", forFeedback: Boolean(item.note && item.feedback) },
      }))
      .sort((a, b) => a.at - b.at);
  }

  get size() {
    return this.items.length;
  }

  // Index of the volley starting at `at`, or -1.
  indexOf(at) {
    let low = 0;
    let high = this.items.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const value = this.items[middle].at;
      if (value === at) return middle;
      if (value < at) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  get(at) {
    const index = this.indexOf(at);
    return index < 0 ? null : this.items[index];
  }

  // The volley playing at `ms`: the last one starting at or before it, or null.
  at(ms) {
    let low = 0;
    let high = this.items.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.items[middle].at <= ms) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found < 0 ? null : this.items[found];
  }

  // When the volley starting at `at` ends: its end, else the next start, else the bounds'.
  endOf(at) {
    const index = this.indexOf(at);
    if (index < 0) return null;
    const item = this.items[index];
    if (item.end !== null) return item.end;
    const next = this.items[index + 1];
    return next ? next.at : this.bounds.end;
  }

  neighbour(at, step) {
    const index = this.indexOf(at);
    if (index < 0) return null;
    return this.items[index + step] || null;
  }

  // Why a volley may not start at `ms` (null when it may); `except` is a volley moving there.
  refusal(ms, except = null) {
    if (!inBounds(this.bounds, ms)) return `${clock(ms)} lies outside the coded segment`;
    const taken = this.get(ms);
    if (taken && taken.at !== except) return `a volley already starts at ${clock(ms)}`;
    return null;
  }

  // Mark a volley; the same volley marked again changes nothing. Returns the volley.
  add(at, speaker, end = null) {
    const existing = this.get(at);
    if (existing) return existing.speaker === speaker ? existing : null;
    const item = { at, end, speaker, codes: new Set(), note: { text: "", forFeedback: false } };
    const index = this.items.findIndex((other) => other.at > at);
    if (index < 0) this.items.push(item);
    else this.items.splice(index, 0, item);
    return item;
  }

  remove(at) {
    const index = this.indexOf(at);
    if (index < 0) return null;
    return this.items.splice(index, 1)[0];
  }

  // Put back a volley removed earlier (undo), codes and all.
  restore(item) {
    const added = this.add(item.at, item.speaker, item.end);
    if (added) item.codes.forEach((id) => added.codes.add(id));
    return added;
  }

  move(at, to, end = null) {
    const item = this.remove(at);
    if (!item) return null;
    item.at = to;
    item.end = end;
    const index = this.items.findIndex((other) => other.at > to);
    if (index < 0) this.items.push(item);
    else this.items.splice(index, 0, item);
    return item;
  }

  // Cut the volley at `at` in two at `ms`; the second part (no codes) is returned.
  split(at, ms) {
    const item = this.get(at);
    if (!item || ms <= at) return null;
    const end = this.endOf(at);
    if (end !== null && ms >= end) return null;
    const second = this.add(ms, item.speaker, item.end);
    if (item.end !== null) item.end = ms;
    return second;
  }

  // Join the next volley onto the one at `at` (same speaker only); its codes come along, and
  // its note joins this one's on a new line (for feedback if either was), as on the server.
  merge(at) {
    const item = this.get(at);
    const next = this.neighbour(at, 1);
    if (!item || !next || next.speaker !== item.speaker) return null;
    this.remove(next.at);
    next.codes.forEach((id) => item.codes.add(id));
    item.note = joinNotes(item.note, next.note);
    if (item.end !== null || next.end !== null) item.end = next.end;
    return { item, next };
  }

  // {code id: count} over every volley.
  counts() {
    const counts = new Map();
    this.items.forEach((item) => item.codes.forEach((id) => counts.set(id, (counts.get(id) || 0) + 1)));
    return counts;
  }

  // Each volley's place on a timeline of the bounds, in percent: [{at, left, width}].
  layout(total) {
    return this.items.map((item) => this.place(item.at, total));
  }

  // One volley's place on the timeline (after a change, it and the one before it move).
  place(at, total) {
    const start = this.bounds.start;
    const end = this.bounds.end ?? Math.max(total || 0, start + 1);
    const span = Math.max(1, end - start);
    const stop = this.endOf(at) ?? end;
    return {
      at,
      left: ((at - start) / span) * 100,
      width: (Math.max(0, Math.min(stop, end) - at) / span) * 100,
    };
  }
}
