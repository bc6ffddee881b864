"""The common structure every transcript parser returns, and the one error it raises."""

from __future__ import annotations

from dataclasses import dataclass, field


class ParseError(ValueError):
    """A file that cannot be read as a transcript. The message names the file and, where
    there is one, the line at fault."""

    def __init__(self, message: str, *, filename: str = "", line: int | None = None) -> None:
        self.reason = message
        self.filename = filename
        self.line = line
        where = filename
        if line is not None:
            where = f"{where}, line {line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Turn:
    """One speaker turn as found in the file, before turns are merged into volleys."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None


@dataclass
class ParsedTranscript:
    filename: str
    format: str
    turns: list[Turn] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            seen.setdefault(turn.speaker, None)
        return list(seen)


def merge_volleys(turns: list[Turn]) -> list[Turn]:
    """Join consecutive turns of one speaker into one volley (one utterance)."""
    merged: list[Turn] = []
    for turn in turns:
        if merged and merged[-1].speaker == turn.speaker:
            last = merged[-1]
            last.text = f"{last.text} {turn.text}".strip()
            if turn.end is not None:
                last.end = turn.end
            if last.start is None:
                last.start = turn.start
        else:
            merged.append(
                Turn(
                    speaker=turn.speaker,
                    text=turn.text,
                    start=turn.start,
                    end=turn.end,
                    line=turn.line,
                )
            )
    return merged
