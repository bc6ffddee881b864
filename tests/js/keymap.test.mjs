// Keys to actions and codes, for the workspace (and any page that binds keys the same way).
import { test } from "node:test";
import assert from "node:assert/strict";

import { KeyMap, codeBindings, digitBindings, keyNames } from "../../static/js/lib/keymap.mjs";

const key = (k, extra = {}) => ({ key: k, code: "", shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...extra });

// MISC 2.5 binds letters, digits and shifted digits to codes.
const misc = [
  { id: 1, key: "q" },
  { id: 2, key: "1" },
  { id: 3, key: "!" },
  { id: 4, key: "@" },
  { id: 5, key: "" },
];

function workspaceKeys(codes) {
  const keys = new KeyMap([
    [["j", "ArrowDown"], { action: "next" }],
    [["J", "Shift+ArrowDown"], { action: "next-any" }],
    [["z", "Ctrl+z"], { action: "undo" }],
    [["Ctrl+Enter"], { action: "submit" }],
    [["?"], { action: "help" }],
  ]);
  const taken = keys.bindAll(codeBindings(codes));
  return { keys, taken };
}

test("letters, digits and shifted digits find their codes", () => {
  const { keys } = workspaceKeys(misc);
  assert.deepEqual(keys.lookup(key("q")), { code: 1 });
  assert.deepEqual(keys.lookup(key("1", { code: "Digit1" })), { code: 2 });
  assert.deepEqual(keys.lookup(key("!", { code: "Digit1", shiftKey: true })), { code: 3 });
  assert.equal(keys.lookup(key("x")), null);
});

test("Shift and a digit find the shifted code on any layout", () => {
  const { keys } = workspaceKeys(misc);
  // A German keyboard types " for Shift+2; the key still means @.
  assert.deepEqual(keys.lookup(key('"', { code: "Digit2", shiftKey: true })), { code: 4 });
  assert.deepEqual(keys.lookup(key("@", { code: "KeyQ", altKey: false, shiftKey: false })), { code: 4 });
});

test("upper case means the letter unless the page binds the capital", () => {
  const { keys } = workspaceKeys(misc);
  assert.deepEqual(keys.lookup(key("Q", { shiftKey: true })), { code: 1 });
  assert.deepEqual(keys.lookup(key("J", { shiftKey: true })), { action: "next-any" });
  assert.deepEqual(keys.lookup(key("j")), { action: "next" });
});

test("named keys, Shift with them, and Ctrl or Cmd combinations", () => {
  const { keys } = workspaceKeys(misc);
  assert.deepEqual(keys.lookup(key("ArrowDown")), { action: "next" });
  assert.deepEqual(keys.lookup(key("ArrowDown", { shiftKey: true })), { action: "next-any" });
  assert.deepEqual(keys.lookup(key("z", { ctrlKey: true })), { action: "undo" });
  assert.deepEqual(keys.lookup(key("z", { metaKey: true })), { action: "undo" });
  assert.deepEqual(keys.lookup(key("Enter", { ctrlKey: true })), { action: "submit" });
  assert.equal(keys.lookup(key("Enter")), null);
  assert.equal(keys.lookup(key("q", { ctrlKey: true })), null, "Ctrl+q is not q");
  assert.equal(keys.lookup(key("q", { altKey: true })), null, "Alt combinations are left to the browser");
  assert.equal(keys.lookup(key("Z", { ctrlKey: true, shiftKey: true })), null);
});

test("the page's own keys win over a scheme's code keys", () => {
  const { keys, taken } = workspaceKeys([{ id: 9, key: "j" }, { id: 10, key: "q" }]);
  assert.deepEqual(taken, ["j"]);
  assert.deepEqual(keys.lookup(key("j")), { action: "next" });
  assert.deepEqual(keys.lookup(key("q")), { code: 10 });
});

test("key names, most specific first", () => {
  assert.deepEqual(keyNames(key("A", { shiftKey: true })), ["A", "a"]);
  assert.deepEqual(keyNames(key("%", { shiftKey: true, code: "Digit5" })), ["%"]);
  assert.deepEqual(keyNames(key("&", { shiftKey: true, code: "Digit1" })), ["&", "!"]);
  assert.deepEqual(keyNames(key("Escape")), ["Escape"]);
  assert.deepEqual(keyNames(key("ArrowUp", { shiftKey: true })), ["Shift+ArrowUp", "ArrowUp"]);
});

test("digits name levels or choices", () => {
  const keys = new KeyMap(digitBindings(5, (n) => ({ level: n })));
  assert.deepEqual(keys.lookup(key("3")), { level: 3 });
  assert.equal(keys.lookup(key("6")), null);
  assert.equal(new KeyMap(digitBindings(12, (n) => n)).has("9"), true);
  assert.equal(new KeyMap(digitBindings(12, (n) => n)).has("10"), false);
});
