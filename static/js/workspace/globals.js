// The global ratings: radio groups, one per scale.

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
  };
}
