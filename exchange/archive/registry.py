"""What an agency archive holds: every model of an agency's data, in the order it is restored.

Each entry names a model and the lookup from it to its agency. Rows are written in primary-key
order and referred to by their position in the archive (1, 2, …), never by database id, so an
archive restored elsewhere and archived again is the same file byte for byte. Foreign keys are
written by kind:

- to the agency itself: left out (restored rows belong to the restored agency);
- to another archived model: the target's position in the archive;
- to a user: the username (users are listed once, in the archive's ``users``);
- to a coding scheme or one of its parts: its natural key, e.g. ``["miti-4.2.1", "Q"]``.

A new model of agency data needs one ``Entry`` here, after the models it refers to (and a
higher ``VERSION`` if older archives cannot be read the same way). A test fails while any
model of the project is neither archived nor listed in ``NOT_ARCHIVED``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from accounts.models import AuditEvent, Membership, Practitioner, Team
from coding.models import (
    Code,
    Coding,
    CodingScheme,
    Dimension,
    GlobalRating,
    GlobalScale,
    SummaryScore,
    ThresholdOverride,
    UtteranceCode,
    UtteranceNote,
    Volley,
)
from transcripts.models import Transcript, Utterance
from workflow.models import (
    AdjudicationDecision,
    Assignment,
    CalibrationAttempt,
    CalibrationCoding,
    CalibrationRetake,
    GoldStandard,
    ReliabilitySet,
    TrainingItem,
    TrainingSet,
)

FORMAT = "mi-coding-agency-archive"
VERSION = 1


@dataclass(frozen=True)
class Entry:
    model: type[models.Model]
    agency_path: str
    # (type field, id field) pairs holding a reference to any object, as the audit log does.
    generic_refs: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


ENTRIES: tuple[Entry, ...] = (
    Entry(Membership, "agency"),
    Entry(Team, "agency"),
    Entry(Practitioner, "agency"),
    Entry(ThresholdOverride, "agency"),
    Entry(Transcript, "agency"),
    Entry(Utterance, "transcript__agency"),
    Entry(Coding, "transcript__agency"),
    Entry(Volley, "coding__transcript__agency"),
    Entry(UtteranceCode, "coding__transcript__agency"),
    Entry(UtteranceNote, "coding__transcript__agency"),
    Entry(GlobalRating, "coding__transcript__agency"),
    Entry(ReliabilitySet, "agency"),
    Entry(Assignment, "agency"),
    Entry(GoldStandard, "coding__transcript__agency"),
    Entry(AdjudicationDecision, "consensus__transcript__agency"),
    Entry(TrainingSet, "agency"),
    Entry(TrainingItem, "training_set__agency"),
    Entry(CalibrationAttempt, "agency"),
    Entry(CalibrationRetake, "agency"),
    Entry(CalibrationCoding, "attempt__agency"),
    Entry(AuditEvent, "agency", generic_refs=(("object_type", "object_id"),)),
)


@dataclass(frozen=True)
class NaturalKey:
    """How rows of a shared model are named in an archive: (scheme slug, own fields…)."""

    model: type[models.Model]
    fields: tuple[str, ...]


NATURAL_KEYS: dict[type[models.Model], NaturalKey] = {
    CodingScheme: NaturalKey(CodingScheme, ("slug",)),
    Dimension: NaturalKey(Dimension, ("scheme__slug", "slug")),
    Code: NaturalKey(Code, ("scheme__slug", "abbreviation")),
    GlobalScale: NaturalKey(GlobalScale, ("scheme__slug", "slug")),
    SummaryScore: NaturalKey(SummaryScore, ("scheme__slug", "slug")),
}

# Models of the project that are not rows of an agency archive, and why.
NOT_ARCHIVED: dict[str, str] = {
    "accounts.agency": "the archive's own agency record",
    "accounts.user": "listed once under users, by username",
    "accounts.invitation": "one-time links to join, valid only where they were made",
    "coding.codingscheme": "listed under schemes with its whole definition",
    "coding.dimension": "part of a scheme definition",
    "coding.code": "part of a scheme definition",
    "coding.globalscale": "part of a scheme definition",
    "coding.summaryscore": "part of a scheme definition",
}

ENTRY_BY_LABEL = {entry.label: entry for entry in ENTRIES}
