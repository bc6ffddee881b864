// The global ratings: radio groups, one per scale, rated by mouse or by keys (l to get there,
// a digit for the level, j/k between scales).

export function createGlobals({ scales, onRate }) {
  const fieldsets = Array.from(document.querySelectorAll(".ws-global"));
  const byScale = new Map(fieldsets.map((fieldset) => [Number(fieldset.dataset.scale), fieldset]));
  const slugOf = new Map(scales.map((scale) => [scale.id, scale.slug]));

  function checkedValue(fieldset) {
    const checked = fieldset.querySelector("input:checked");
    return checked ? Number(checked.value) : null;
  }
  function stored(fieldset) {
    return fieldset.dataset.value === "" ? null : Number(fieldset.dataset.value);
  }

  function show(scaleId, value) {
    const fieldset = byScale.get(scaleId);
    if (!fieldset) return;
    fieldset.querySelectorAll("input").forEach((input) => {
      input.checked = value !== null && Number(input.value) === value;
    });
    fieldset.dataset.value = value === null ? "" : String(value);
  }

  fieldsets.forEach((fieldset) => {
    const scaleId = Number(fieldset.dataset.scale);
    fieldset.dataset.value = String(checkedValue(fieldset) ?? "");
    fieldset.addEventListener("change", () => onRate(scaleId, checkedValue(fieldset), stored(fieldset)));
    const clear = fieldset.querySelector("[data-action=clear-global]");
    if (clear) {
      clear.addEventListener("click", () => {
        const previous = checkedValue(fieldset);
        if (previous !== null) onRate(scaleId, null, previous);
      });
    }
  });

  // Focus lands on the scale's chosen level, or its first, so arrows and Space work from there.
  function focus(fieldset) {
    const input = fieldset.querySelector("input:checked") || fieldset.querySelector("input");
    if (input) {
      input.focus({ preventScroll: true });
      fieldset.scrollIntoView({ block: "nearest" });
    }
  }

  return {
    show,
    // {slug: value or null} for the summary scores.
    values() {
      const out = {};
      fieldsets.forEach((fieldset) => {
        out[slugOf.get(Number(fieldset.dataset.scale))] = stored(fieldset);
      });
      return out;
    },
    missing() {
      return fieldsets.filter((fieldset) => stored(fieldset) === null).map((fieldset) => fieldset.querySelector("legend").textContent.trim());
    },
    // The scale a keyboard event came from, if any.
    scaleOf(target) {
      const fieldset = target && target.closest ? target.closest(".ws-global") : null;
      return fieldset ? Number(fieldset.dataset.scale) : null;
    },
    name: (scaleId) => byScale.get(scaleId).querySelector("legend").textContent.trim(),
    // Go to the first unrated scale (or the first one).
    enter() {
      const fieldset = fieldsets.find((f) => stored(f) === null) || fieldsets[0];
      if (fieldset && !fieldset.disabled) focus(fieldset);
      return Boolean(fieldset) && !fieldset.disabled;
    },
    // Move to the scale `delta` away; false at either end.
    move(scaleId, delta) {
      const index = fieldsets.indexOf(byScale.get(scaleId)) + delta;
      if (index < 0 || index >= fieldsets.length) return false;
      focus(fieldsets[index]);
      return true;
    },
    // Choose a level as a click would (the change listener records it); false if not a level.
    rate(scaleId, level) {
      const input = byScale.get(scaleId).querySelector('input[value="' + level + '"]');
      if (!input) return false;
      if (!input.checked) input.click();
      return true;
    },
    clear(scaleId) {
      const button = byScale.get(scaleId).querySelector("[data-action=clear-global]");
      if (button) button.click();
    },
    levels(scaleId) {
      const values = Array.from(byScale.get(scaleId).querySelectorAll("input")).map((input) => Number(input.value));
      return [Math.min(...values), Math.max(...values)];
    },
  };
}
