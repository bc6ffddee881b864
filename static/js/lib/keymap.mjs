// Keys to meanings (no DOM, no globals): a page binds names such as "j", "J", "?",
// "ArrowDown", "Shift+ArrowDown", "Ctrl+z" or "Ctrl+Enter" to values of its own ({action: …}
// or {code: …}) and looks keyboard events up. The first binding of a name wins, so a page binds
// its own keys before the keys that come from data (a scheme's code keys).

// What Shift and a digit type on a US keyboard, so that a binding such as "!" works on
// layouts where Shift+1 types something else (the event's `code` still says Digit1).
export const SHIFTED_DIGITS = Object.freeze({
  1: "!", 2: "@", 3: "#", 4: "$", 5: "%", 6: "^", 7: "&", 8: "*", 9: "(", 0: ")",
});

// The names an event answers to, most specific first. `event` needs key, and may have code,
// shiftKey, ctrlKey, metaKey and altKey (a KeyboardEvent, or a plain object in tests).
export function keyNames(event) {
  const key = event.key || "";
  if (event.altKey) return [];
  if (event.ctrlKey || event.metaKey) {
    // Ctrl and Cmd mean the same; with Shift held a letter arrives in upper case.
    const base = key.length === 1 ? key.toLowerCase() : key;
    return [(event.shiftKey ? "Ctrl+Shift+" : "Ctrl+") + base];
  }
  if (key.length !== 1) {
    return event.shiftKey ? ["Shift+" + key, key] : [key];
  }
  const names = [key];
  // Caps Lock or Shift on a letter still means the letter, unless bound in upper case.
  const lower = key.toLowerCase();
  if (lower !== key) names.push(lower);
  const digit = /^Digit(\d)$/.exec(event.code || "");
  if (event.shiftKey && digit) {
    const shifted = SHIFTED_DIGITS[digit[1]];
    if (!names.includes(shifted)) names.push(shifted);
  }
  return names;
}

export class KeyMap {
  constructor(bindings = []) {
    this.map = new Map();
    this.bindAll(bindings);
  }

  // Bind every name to `value` unless already bound; returns the names that were taken.
  bind(names, value) {
    const taken = [];
    (Array.isArray(names) ? names : [names]).forEach((name) => {
      if (!name) return;
      if (this.map.has(name)) taken.push(name);
      else this.map.set(name, value);
    });
    return taken;
  }

  // bindings: [[names, value], …]; returns every name that was already taken.
  bindAll(bindings) {
    return bindings.reduce((taken, [names, value]) => taken.concat(this.bind(names, value)), []);
  }

  has(name) {
    return this.map.has(name);
  }

  get(name) {
    return this.map.has(name) ? this.map.get(name) : null;
  }

  lookup(event) {
    for (const name of keyNames(event)) {
      if (this.map.has(name)) return this.map.get(name);
    }
    return null;
  }
}

// Bindings for codes that have a key: [[key, {code: id}], …] (keys are stored lower case).
export function codeBindings(codes) {
  return codes.filter((code) => code.key).map((code) => [code.key, { code: code.id }]);
}

// Bindings for the digits 1–9 to {[field]: n} (choosing a level, a coder, …).
export function digitBindings(count, make) {
  const bindings = [];
  for (let n = 1; n <= Math.min(9, count); n += 1) bindings.push([String(n), make(n)]);
  return bindings;
}
