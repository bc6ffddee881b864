"""What a coded-data import would write: the options it runs with and the plan it checks.

``exchange.importing.check.plan_import`` builds an ``ImportPlan`` without writing anything; the
command line and the web preview show it, and ``exchange.services.codings_import`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Agency, Practitioner
from coding.models import Code, CodingScheme, GlobalScale
from transcripts.models import Transcript

MAX_PROBLEMS = 100


@dataclass(frozen=True)
class ImportColumns:
    """Which column of the file holds what; the defaults are the documented column names."""

    transcript: str = "transcript"
    utterance: str = "utterance"
    speaker: str = "speaker"
    text: str = "text"
    coder: str = "coder"
    codes: tuple[str, ...] = ("code",)


@dataclass(frozen=True)
class ImportOptions:
    scheme: CodingScheme
    columns: ImportColumns = field(default_factory=ImportColumns)
    ignore_values: tuple[str, ...] = ()
    practitioner_speakers: tuple[str, ...] = ()
    client_speakers: tuple[str, ...] = ()
    practitioner: Practitioner | None = None
    replace: bool = False
    # Whether an existing account of another agency may join this one as a coder; only those
    # who may manage the agency's members allow it.
    outside_users_join: bool = True


@dataclass(frozen=True)
class Problem:
    message: str
    filename: str = ""
    row: int | None = None

    def __str__(self) -> str:
        where = self.filename
        if self.row is not None:
            where = f"{where}: row {self.row}" if where else f"row {self.row}"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class PlannedUtterance:
    ref: str
    position: int
    speaker: str
    role: str
    text: str
    row: int
    pk: int | None = None


@dataclass
class PlannedCoding:
    coder: str
    kind: str
    row: int
    codes: list[tuple[int, Code]] = field(default_factory=list)
    ratings: dict[int, tuple[GlobalScale, int]] = field(default_factory=dict)
    replaces: int | None = None


@dataclass
class PlannedTranscript:
    title: str
    row: int
    existing: Transcript | None
    utterances: list[PlannedUtterance] = field(default_factory=list)
    codings: list[PlannedCoding] = field(default_factory=list)


@dataclass
class ImportPlan:
    agency: Agency
    options: ImportOptions
    filename: str
    rows: int = 0
    transcripts: list[PlannedTranscript] = field(default_factory=list)
    speakers: dict[str, str] = field(default_factory=dict)
    coders: list[str] = field(default_factory=list)
    new_coders: list[str] = field(default_factory=list)
    joining_coders: list[str] = field(default_factory=list)
    unknown_values: dict[str, list[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def add(self, message: str, row: int | None = None, filename: str | None = None) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
            return
        self.problems.append(Problem(message, self.filename if filename is None else filename, row))

    @property
    def codings(self) -> list[PlannedCoding]:
        return [coding for transcript in self.transcripts for coding in transcript.codings]

    @property
    def new_transcripts(self) -> list[PlannedTranscript]:
        return [t for t in self.transcripts if t.existing is None]

    @property
    def code_count(self) -> int:
        return sum(len(coding.codes) for coding in self.codings)

    @property
    def rating_count(self) -> int:
        return sum(len(coding.ratings) for coding in self.codings)

    @property
    def replaced_count(self) -> int:
        return sum(coding.replaces is not None for coding in self.codings)

    def summary(self) -> str:
        """The first problem on one line, with how many more there are."""
        if self.ok:
            return ""
        more = self.problem_count - 1
        return str(self.problems[0]) + (f" (and {more} more problems)" if more else "")
