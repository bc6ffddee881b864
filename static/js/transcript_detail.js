// Transcript page: a click on an utterance's time plays the session audio from there.
(function () {
  "use strict";
  const audio = document.getElementById("session-audio");
  if (!audio) { return; }
  document.addEventListener("click", function (event) {
    const button = event.target.closest(".utterance-time[data-seconds]");
    if (!button) { return; }
    audio.currentTime = parseFloat(button.dataset.seconds);
    audio.play();
  });
})();
