"""The data reliability is computed on, read in a fixed number of queries whatever its size.

Only submitted codings enter; calibration codings never do, and consensus codings (a joint
rating, not an independent one) only when asked, as a rater of their own named
``CONSENSUS_RATER``. The caller passes the codings the user may see
(``workflow.visibility.codings_visible_to``), so a blind coding hidden from them never counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from accounts.models import Agency, Team, User
from coding.models import (
    CodedFrom,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    DimensionSpeaker,
    GlobalRating,
    UtteranceCode,
)
from coding.selectors import SchemeLayout, scheme_layout
from transcripts.models import Transcript, Utterance

# Usernames never contain parentheses, so this cannot clash with a coder.
CONSENSUS_RATER = "(consensus)"
SPEAKERS = [choice.value for choice in DimensionSpeaker]


@dataclass(frozen=True)
class DimensionInfo:
    slug: str
    name: str
    speaker: str
    multiple: bool
    codes: list[str]  # abbreviations in the scheme's order
    exclusive: list[list[str]] = field(default_factory=list)  # sets of codes, as the scheme

    @property
    def units_label(self) -> str:
        if self.speaker == DimensionSpeaker.ANY:
            return "every utterance"
        return f"{self.speaker} utterances"


@dataclass
class ReliabilityData:
    """Everything the statistics need, as frames.

    ``codings``: coding, transcript, rater (one row per coding, at most one per transcript
    and rater); ``utterances``: utterance, transcript, position and the dimension speaker
    (practitioner, client or any) it was read for, the units of the transcripts coded by
    two or more raters, once per speaker; ``codes``: coding, utterance, code
    (abbreviation); ``ratings``: coding, scale (slug), value. Rater, speaker and code
    columns are categorical (categories: ``raters``, the dimension speakers, the scheme's codes in
    order), which keeps work on hundreds of thousands of rows to integer arithmetic.
    """

    scheme: CodingScheme
    layout: SchemeLayout
    dimensions: list[DimensionInfo]
    raters: list[str]
    transcript_ids: list[int]
    codings: pd.DataFrame
    utterances: pd.DataFrame
    codes: pd.DataFrame
    ratings: pd.DataFrame
    # Transcripts coded from audio by any rater: their units are each coder's own volleys,
    # so they count at session level only (their codes have utterance -1).
    audio_transcripts: list[int] = field(default_factory=list)


def chosen_codings(
    codings: QuerySet[Coding],
    *,
    scheme: CodingScheme,
    transcripts: QuerySet[Transcript] | None = None,
    coders: Sequence[str] | None = None,
    include_consensus: bool = False,
) -> QuerySet[Coding]:
    """The codings that count as independent ratings among ``codings``."""
    chosen = codings.filter(scheme=scheme, status=CodingStatus.SUBMITTED).exclude(
        kind=CodingKind.CALIBRATION
    )
    if not include_consensus:
        chosen = chosen.exclude(kind=CodingKind.CONSENSUS)
    if transcripts is not None:
        chosen = chosen.filter(transcript__in=transcripts)
    if coders:
        chosen = chosen.filter(Q(coder__username__in=list(coders)) | Q(kind=CodingKind.CONSENSUS))
    return chosen


def reliability_data(
    codings: QuerySet[Coding],
    *,
    scheme: CodingScheme,
    agency: Agency | None = None,
    transcripts: QuerySet[Transcript] | None = None,
    coders: Sequence[str] | None = None,
    include_consensus: bool = False,
) -> ReliabilityData:
    """Read the codings, units, codes and global ratings for reliability.

    A fixed number of queries (the scheme's layout, the codings, the utterances, the codes,
    the global ratings), each as plain value rows.
    """
    layout = scheme_layout(scheme, agency)
    dimensions = _dimensions(layout)
    chosen = chosen_codings(
        codings,
        scheme=scheme,
        transcripts=transcripts,
        coders=coders,
        include_consensus=include_consensus,
    )
    # Transcripts with two or more of the chosen codings: a superset of the double-coded
    # ones, narrowed exactly below, that keeps single-coded sessions out of the big reads.
    shared = (
        chosen.order_by()
        .values("transcript_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values("transcript_id")
    )
    chosen = chosen.filter(transcript_id__in=shared)

    coding_frame = _frame(
        chosen,
        coding="pk",
        transcript="transcript_id",
        rater="coder__username",
        kind="kind",
        coded_from="coded_from",
    )
    coding_frame.loc[coding_frame["kind"] == CodingKind.CONSENSUS, "rater"] = CONSENSUS_RATER
    from_audio = coding_frame["coded_from"] == CodedFrom.AUDIO
    coding_frame = coding_frame.drop(columns=["kind", "coded_from"])
    repeated = coding_frame.duplicated(["transcript", "rater"], keep=False)
    if repeated.any():
        first = coding_frame[repeated].iloc[0]
        raise ValueError(
            f"{first['rater']} has several codings of transcript {first['transcript']} "
            "with this scheme; reliability needs one per coder"
        )
    per_transcript = coding_frame.groupby("transcript")["rater"].transform("size")
    audio_transcripts = sorted(
        set(coding_frame.loc[from_audio & (per_transcript >= 2), "transcript"].tolist())
    )
    coding_frame = coding_frame[per_transcript >= 2].reset_index(drop=True)

    # One read per speaker the scheme's dimensions code (at most three), tagged with it.
    frames = []
    for speaker in sorted({d.speaker for d in dimensions}):
        units = Utterance.objects.filter(transcript_id__in=shared)
        if speaker != DimensionSpeaker.ANY:
            units = units.filter(speaker_role=speaker)
        frame = _int_frame(units, utterance="pk", transcript="transcript_id", position="position")
        frame["speaker"] = pd.Categorical([speaker] * len(frame), categories=SPEAKERS)
        frames.append(frame)
    utterances = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["utterance", "transcript", "position", "speaker"])
    )
    code_rows = _int_frame(
        UtteranceCode.objects.filter(coding__in=chosen).annotate(
            unit=Coalesce("utterance_id", Value(-1))
        ),
        coding="coding_id",
        utterance="unit",
        code="code_id",
    )
    code_rows["code"] = pd.Categorical.from_codes(
        pd.Index([code.pk for code in layout.codes]).get_indexer(code_rows["code"]),
        categories=[code.abbreviation for code in layout.codes],
    )
    ratings = _int_frame(
        GlobalRating.objects.filter(coding__in=chosen),
        coding="coding_id",
        scale="scale_id",
        value="value",
    )
    ratings["scale"] = ratings["scale"].map({scale.pk: scale.slug for scale in layout.globals})

    raters = sorted(set(coding_frame["rater"]), key=_rater_order)
    coding_frame["rater"] = pd.Categorical(coding_frame["rater"], categories=raters)
    kept = coding_frame["coding"].to_numpy()
    transcript_ids = sorted(set(coding_frame["transcript"]))
    return ReliabilityData(
        scheme=scheme,
        layout=layout,
        dimensions=dimensions,
        raters=raters,
        transcript_ids=transcript_ids,
        codings=coding_frame,
        utterances=utterances[utterances["transcript"].isin(transcript_ids)].reset_index(drop=True),
        codes=code_rows[code_rows["coding"].isin(kept)].reset_index(drop=True),
        ratings=ratings[ratings["coding"].isin(kept)].reset_index(drop=True),
        audio_transcripts=[int(t) for t in audio_transcripts],
    )


def _frame(queryset: QuerySet, **columns: str) -> pd.DataFrame:
    """One query's plain value rows as a frame: {column name: field}."""
    rows = queryset.order_by().values_list(*columns.values())
    return pd.DataFrame(list(rows), columns=list(columns))


def _int_frame(queryset: QuerySet, **columns: str) -> pd.DataFrame:
    """``_frame`` for whole-number columns, converted in one step (pandas infers a list of
    tuples cell by cell, several times slower on large reads)."""
    rows = list(queryset.order_by().values_list(*columns.values()))
    array = np.array(rows, dtype=np.int64).reshape(len(rows), len(columns))
    return pd.DataFrame(array, columns=list(columns))


def _rater_order(rater: str) -> tuple[int, str]:
    return (rater == CONSENSUS_RATER, rater.lower())


def _dimensions(layout: SchemeLayout) -> list[DimensionInfo]:
    dimensions: dict[int, DimensionInfo] = {}
    for code in layout.codes:
        dimension = code.dimension
        if dimension.pk not in dimensions:
            dimensions[dimension.pk] = DimensionInfo(
                slug=dimension.slug,
                name=dimension.name,
                speaker=dimension.speaker,
                multiple=dimension.multiple,
                codes=[],
                exclusive=[list(group) for group in dimension.exclusive or []],
            )
        dimensions[dimension.pk].codes.append(code.abbreviation)
    return list(dimensions.values())


# ---------------------------------------------------------------- choices for the page


def coders_with_codings(codings: QuerySet[Coding]) -> QuerySet[User]:
    """Accounts holding at least one of the given codings (submitted, non-calibration)."""
    rated = codings.filter(status=CodingStatus.SUBMITTED).exclude(kind=CodingKind.CALIBRATION)
    return User.objects.filter(pk__in=rated.values("coder_id")).order_by("username")


def filtered_transcripts(
    transcripts: QuerySet[Transcript],
    *,
    date_from: object = None,
    date_to: object = None,
    team: Team | None = None,
    practitioner: object = None,
    reliability_set: object = None,
    ids: Sequence[int] | None = None,
) -> QuerySet[Transcript]:
    """Narrow ``transcripts`` by session date, team, practitioner, saved set or ids."""
    if date_from:
        transcripts = transcripts.filter(session_date__gte=date_from)
    if date_to:
        transcripts = transcripts.filter(session_date__lte=date_to)
    if team is not None:
        transcripts = transcripts.filter(practitioner__team=team)
    if practitioner is not None:
        transcripts = transcripts.filter(practitioner=practitioner)
    if reliability_set is not None:
        transcripts = transcripts.filter(reliability_sets=reliability_set)
    if ids:
        transcripts = transcripts.filter(pk__in=list(ids))
    return transcripts
