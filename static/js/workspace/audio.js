// The session's audio: play, seek, and the utterance being heard highlighted (and followed).

export function createAudio({ audio, items, follow, keepInView, onError }) {
  if (!audio) return null;
  const timed = items
    .filter((li) => li.dataset.start !== undefined)
    .map((li) => ({ li, start: Number(li.dataset.start), end: li.dataset.end !== undefined ? Number(li.dataset.end) : null }));
  let playing = null;

  // The utterance heard at `t` seconds: the last one started by then, unless it has ended.
  function heardAt(t) {
    let low = 0;
    let high = timed.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (timed[middle].start <= t) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (found < 0) return null;
    const entry = timed[found];
    return entry.end === null || t <= entry.end + 0.25 ? entry.li : null;
  }

  audio.addEventListener("timeupdate", () => {
    const li = heardAt(audio.currentTime);
    if (li === playing) return;
    if (playing) playing.classList.remove("utt-playing");
    playing = li;
    if (li) {
      li.classList.add("utt-playing");
      if (follow && follow.checked && !audio.paused) keepInView(li);
    }
  });

  function seek(seconds) {
    audio.currentTime = Math.max(0, seconds);
  }

  return {
    seek,
    back: () => seek(audio.currentTime - 5),
    forward: () => seek(audio.currentTime + 5),
    toggle() {
      if (audio.paused) audio.play().catch(() => onError("The audio cannot be played"));
      else audio.pause();
    },
    // Play from where an utterance starts; false when it has no time.
    playFrom(li) {
      if (li.dataset.start === undefined) return false;
      seek(Number(li.dataset.start));
      audio.play().catch(() => {});
      return true;
    },
    seekTo(li) {
      if (li.dataset.start !== undefined) seek(Number(li.dataset.start));
    },
  };
}
