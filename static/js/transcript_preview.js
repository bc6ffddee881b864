// Preview of an upload: when a speaker's role changes, restyle that speaker's utterances.
(function () {
  "use strict";
  const ROLES = ["practitioner", "client", "other"];
  document.querySelectorAll("[data-document]").forEach(function (card) {
    card.querySelectorAll("select[data-speaker-index]").forEach(function (select) {
      select.addEventListener("change", function () {
        const selector = '.utterance[data-speaker-index="' + select.dataset.speakerIndex + '"]';
        card.querySelectorAll(selector).forEach(function (item) {
          ROLES.forEach(function (role) { item.classList.remove("utterance-" + role); });
          item.classList.add("utterance-" + select.value);
          const tag = item.querySelector(".utterance-role");
          if (tag) { tag.textContent = select.value; }
        });
      });
    });
  });
})();
