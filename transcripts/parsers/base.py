"""The common structure every transcript parser returns, and the one error it raises."""

from __future__ import annotations

from dataclasses import dataclass, field

SPEAKER_LABEL_MAX = 100


class ParseError(ValueError):
    """A file that cannot be read as a transcript. The message names the file and, where
    there is one, the line (or paragraph, row, item) at fault."""

    def __init__(
        self, message: str, *, filename: str = "", line: int | None = None, unit: str = "line"
    ) -> None:
        self.reason = message
        self.filename = filename
        self.line = line
        self.unit = unit
        where = filename
        if line is not None:
            where = f"{where}, {unit} {line}" if where else f"{unit} {line}"
        super().__init__(f"{where}: {message}" if where else message)

    def in_file(self, filename: str) -> ParseError:
        """The same error, named after ``filename`` (e.g. an entry inside a zip)."""
        return ParseError(self.reason, filename=filename, line=self.line, unit=self.unit)


@dataclass
class Turn:
    """One speaker turn as found in the file, before turns are merged into volleys."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None


@dataclass(frozen=True)
class TableLayout:
    """Which columns of a table hold what (0-based), and whether row 1 names the columns."""

    header: bool
    speaker: int
    text: int
    start: int | None = None
    end: int | None = None


@dataclass
class ParsedTranscript:
    filename: str
    format: str
    turns: list[Turn] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unit: str = "line"  # what Turn.line counts: line, paragraph, table row, item
    # Tables only: the column names offered for choosing, and the choice that was applied.
    columns: list[str] = field(default_factory=list)
    layout: TableLayout | None = None

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            seen.setdefault(turn.speaker, None)
        return list(seen)

    @property
    def volleys(self) -> list[Turn]:
        return merge_volleys(self.turns)


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
