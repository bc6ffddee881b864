from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record
from coding.models import (
    PERSONAL_KINDS,
    Code,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    GlobalRating,
    GlobalScale,
    UtteranceCode,
)
from transcripts.models import SpeakerRole, Transcript, Utterance


def coding_create(
    *,
    transcript: Transcript,
    scheme: CodingScheme,
    coder: User,
    kind: str = CodingKind.PRIMARY,
) -> Coding:
    if scheme.agency_id is not None and scheme.agency_id != transcript.agency_id:
        raise ValidationError("this coding scheme belongs to another agency")
    if (
        kind in PERSONAL_KINDS
        and Coding.objects.filter(
            transcript=transcript, coder=coder, kind=CodingKind.CALIBRATION
        ).exists()
    ):
        # Once submitted, a coding of one's own could open the others' codings of the
        # transcript, the gold standard among them: calibration would test nothing.
        raise ValidationError(
            f"{coder.username} practises on this transcript in calibration, so it cannot be "
            "theirs to code as well"
        )
    try:
        with transaction.atomic():
            # The same lock the parse edits take: an edit and the first coding never overlap.
            Transcript.objects.select_for_update().filter(pk=transcript.pk).exists()
            return Coding.objects.create(
                transcript=transcript, scheme=scheme, coder=coder, kind=kind
            )
    except IntegrityError as exc:
        raise ValidationError(
            f"{coder.username} already has a coding of this transcript with {scheme.name}"
        ) from exc


def _require_open(coding: Coding) -> None:
    if coding.status == CodingStatus.SUBMITTED:
        raise ValidationError("this coding is submitted; ask a supervisor to reopen it")


def _check_speaker(code: Code, speaker_role: str) -> None:
    if not code.dimension.accepts(speaker_role):
        role = SpeakerRole(speaker_role).label.lower()
        raise ValidationError(
            f"{code.abbreviation} codes {code.dimension.get_speaker_display().lower()} "
            f"utterances, and this one is {role}"
        )


def _single_code_message(code: Code, other: str) -> str:
    return (
        f"{code.dimension.name} takes one code per utterance: clear {other} before "
        f"setting {code.abbreviation}"
    )


def _check_code_fits(coding: Coding, utterance: Utterance, code: Code) -> None:
    if utterance.transcript_id != coding.transcript_id:
        raise ValidationError("that utterance is not part of this transcript")
    if code.scheme_id != coding.scheme_id:
        raise ValidationError(f"code {code.abbreviation} is not part of {coding.scheme.name}")
    _check_speaker(code, utterance.speaker_role)


def utterance_code_set(
    *, coding: Coding, utterance: Utterance, code: Code
) -> tuple[UtteranceCode, bool]:
    """Put ``code`` on ``utterance``; setting a code that is already there changes nothing.

    Returns (row, created). Refuses a code on the wrong speaker and a second code in a
    single-code dimension.
    """
    _require_open(coding)
    _check_code_fits(coding, utterance, code)
    dimension = code.dimension
    try:
        with transaction.atomic():
            row, created = UtteranceCode.objects.get_or_create(
                coding=coding,
                utterance=utterance,
                code=code,
                defaults={"dimension": dimension, "exclusive": not dimension.multiple},
            )
    except IntegrityError as exc:
        raise ValidationError(
            f"{dimension.name} takes one code per utterance; clear the other code first"
        ) from exc
    if created:
        Coding.objects.filter(pk=coding.pk).update(updated_at=timezone.now())
    return row, created


def utterance_code_clear(*, coding: Coding, utterance: Utterance, code: Code) -> bool:
    """Remove ``code`` from ``utterance``; clearing an absent code changes nothing."""
    _require_open(coding)
    deleted, _ = UtteranceCode.objects.filter(
        coding=coding, utterance=utterance, code=code
    ).delete()
    if deleted:
        Coding.objects.filter(pk=coding.pk).update(updated_at=timezone.now())
    return bool(deleted)


def global_rating_set(
    *, coding: Coding, scale: GlobalScale, value: int | None, note: str = ""
) -> GlobalRating | None:
    """Rate one global; ``None`` removes the rating."""
    _require_open(coding)
    if scale.scheme_id != coding.scheme_id:
        raise ValidationError(f"{scale.name} is not a global of {coding.scheme.name}")
    if value is None:
        GlobalRating.objects.filter(coding=coding, scale=scale).delete()
        return None
    if not scale.min_value <= value <= scale.max_value:
        raise ValidationError(
            f"{scale.name} takes a value from {scale.min_value} to {scale.max_value}, not {value}"
        )
    rating, _ = GlobalRating.objects.update_or_create(
        coding=coding,
        scale=scale,
        defaults={
            "value": value,
            "scale_min": scale.min_value,
            "scale_max": scale.max_value,
            "note": note,
        },
    )
    return rating


def coding_submit(*, coding: Coding, actor: User) -> Coding:
    """Lock a coding once every global is rated."""
    _require_open(coding)
    rated = set(coding.global_ratings.values_list("scale_id", flat=True))
    missing = [scale.name for scale in coding.scheme.globals.all() if scale.pk not in rated]
    if missing:
        raise ValidationError(f"rate every global before submitting: {', '.join(missing)}")
    with transaction.atomic():
        coding.status = CodingStatus.SUBMITTED
        coding.submitted_at = timezone.now()
        coding.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=actor, action="coding.submit", agency=coding.transcript.agency, target=coding
        )
    return coding


def coding_reopen(*, coding: Coding, actor: User, reason: str = "") -> Coding:
    if coding.status != CodingStatus.SUBMITTED:
        raise ValidationError("only a submitted coding can be reopened")
    if coding.kind == CodingKind.GOLD:
        raise ValidationError(
            "a gold standard cannot be reopened, since coders train and calibrate against it; "
            "unmark it on the gold standards page first"
        )
    with transaction.atomic():
        coding.status = CodingStatus.IN_PROGRESS
        coding.submitted_at = None
        coding.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=actor,
            action="coding.reopen",
            agency=coding.transcript.agency,
            target=coding,
            details={"reason": reason},
        )
    return coding


def utterance_codes_add(*, coding: Coding, pairs: list[tuple[Utterance, Code]]) -> int:
    """Put many codes at once (e.g. answers copied from another coding) under the same rules
    as ``utterance_code_set``, in a fixed number of queries. All or nothing; returns how many
    were added. ``code.dimension`` should be selected with the codes."""
    _require_open(coding)
    seen: set[tuple[int, int]] = set()
    for utterance, code in pairs:
        _check_code_fits(coding, utterance, code)
        if not code.dimension.multiple:
            if (utterance.pk, code.dimension_id) in seen:
                raise ValidationError(f"{code.dimension.name} takes one code per utterance")
            seen.add((utterance.pk, code.dimension_id))
    rows = [
        UtteranceCode(
            coding=coding,
            utterance=utterance,
            code=code,
            dimension=code.dimension,
            exclusive=not code.dimension.multiple,
        )
        for utterance, code in pairs
    ]
    try:
        with transaction.atomic():
            UtteranceCode.objects.bulk_create(rows, batch_size=500)
    except IntegrityError as exc:
        raise ValidationError("some of these codes are already on their utterances") from exc
    if rows:
        Coding.objects.filter(pk=coding.pk).update(updated_at=timezone.now())
    return len(rows)
