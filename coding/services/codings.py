from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record
from coding.models import (
    PERSONAL_KINDS,
    CodedFrom,
    Coding,
    CodingKind,
    CodingScheme,
    CodingStatus,
    GlobalRating,
    GlobalScale,
)
from coding.services.locks import coding_lock, coding_lock_writable, require_writable
from transcripts.models import Transcript


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
            # The same lock the parse edits and attaching a transcript take: neither overlaps
            # the first coding, and the session's source is read under it.
            locked = (
                Transcript.objects.select_for_update().only("source_format").get(pk=transcript.pk)
            )
            return Coding.objects.create(
                transcript=transcript,
                scheme=scheme,
                coder=coder,
                kind=kind,
                # A session with only its recording is coded in volleys the coder marks.
                coded_from=CodedFrom.AUDIO if locked.is_audio_only else CodedFrom.TRANSCRIPT,
            )
    except IntegrityError as exc:
        raise ValidationError(
            f"{coder.username} already has a coding of this transcript with {scheme.name}"
        ) from exc


def global_rating_set(
    *, coding: Coding, scale: GlobalScale, value: int | None, note: str = ""
) -> GlobalRating | None:
    """Rate one global; ``None`` removes the rating."""
    return _global_rating_write(coding, scale, value, note, adjudicating=False)


def _global_rating_write(
    coding: Coding, scale: GlobalScale, value: int | None, note: str, *, adjudicating: bool
) -> GlobalRating | None:
    require_writable(coding, adjudicating=adjudicating)
    if scale.scheme_id != coding.scheme_id:
        raise ValidationError(f"{scale.name} is not a global of {coding.scheme.name}")
    if value is not None and not scale.min_value <= value <= scale.max_value:
        raise ValidationError(
            f"{scale.name} takes a value from {scale.min_value} to {scale.max_value}, not {value}"
        )
    with transaction.atomic():
        # Under the coding's lock no other write to this coding's ratings runs, so a plain
        # update-or-insert cannot collide.
        coding_lock_writable(coding, adjudicating=adjudicating)
        ratings = GlobalRating.objects.filter(coding=coding, scale=scale)
        if value is None:
            ratings.delete()
            return None
        fields = {
            "value": value,
            "scale_min": scale.min_value,
            "scale_max": scale.max_value,
            "note": note,
        }
        if ratings.update(**fields, updated_at=timezone.now()):
            return ratings.get()
        return GlobalRating.objects.create(coding=coding, scale=scale, **fields)


def coding_submit(*, coding: Coding, actor: User) -> Coding:
    """Lock a coding once every global is rated. A consensus is submitted by finishing its
    adjudication."""
    return _submit(coding, actor, adjudicating=False)


def _submit(coding: Coding, actor: User, *, adjudicating: bool) -> Coding:
    with transaction.atomic():
        coding_lock_writable(coding, adjudicating=adjudicating)
        rated = set(coding.global_ratings.values_list("scale_id", flat=True))
        missing = [scale.name for scale in coding.scheme.globals.all() if scale.pk not in rated]
        if missing:
            raise ValidationError(f"rate every global before submitting: {', '.join(missing)}")
        coding.status = CodingStatus.SUBMITTED
        coding.submitted_at = timezone.now()
        coding.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=actor, action="coding.submit", agency=coding.transcript.agency, target=coding
        )
    return coding


def coding_reopen(*, coding: Coding, actor: User, reason: str = "") -> Coding:
    """Open a submitted coding again (a consensus too: its adjudication goes on)."""
    with transaction.atomic():
        coding_lock(coding)
        if coding.status != CodingStatus.SUBMITTED:
            raise ValidationError("only a submitted coding can be reopened")
        if coding.kind == CodingKind.GOLD:
            raise ValidationError(
                "a gold standard cannot be reopened, since coders train and calibrate against "
                "it; unmark it on the gold standards page first"
            )
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
