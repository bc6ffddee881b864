"""Writes of the suggestions app: the agency's settings, training a suggester, and accepting
suggested codes (through the one write path for codes, coding/services/codes.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, User
from accounts.services import audit_record
from coding.models import Code, Coding, CodingScheme
from coding.selectors import schemes_for
from coding.services.codes import CodeChange, codes_write
from mi_coding.jobs import enqueue
from suggestions.models import AcceptedSuggestion, Suggester, SuggesterStatus, SuggestionSettings
from suggestions.selectors import training_corpus, training_extent
from suggestions.suggesting import require_suggestions, utterance_suggestions

log = logging.getLogger(__name__)


def suggestion_settings_update(
    *, agency: Agency, enabled: bool, threshold: float, actor: User
) -> SuggestionSettings:
    if not 0 < threshold <= 1:
        raise ValidationError("the threshold is a probability above 0 and at most 1")
    with transaction.atomic():
        settings, _ = SuggestionSettings.objects.update_or_create(
            agency=agency, defaults={"enabled": enabled, "threshold": threshold}
        )
        audit_record(
            actor=actor,
            action="suggestions.settings",
            agency=agency,
            details={"enabled": enabled, "threshold": threshold},
        )
    return settings


def require_scheme_usable(agency: Agency, scheme: CodingScheme) -> None:
    if not schemes_for(agency).filter(pk=scheme.pk).exists():
        raise ValidationError(f"{agency.slug} cannot use the scheme {scheme.slug}")


def suggester_create(*, agency: Agency, scheme: CodingScheme, actor: User | None) -> Suggester:
    """A queued suggester, once the scheme is the agency's to use and it has enough coded
    data to learn from; ``suggester_train`` trains it."""
    from suggestions.training import VERSION

    require_scheme_usable(agency, scheme)
    extent = training_extent(agency, scheme)
    if not extent.enough:
        raise ValidationError(extent.shortfall(agency, scheme))
    with transaction.atomic():
        suggester = Suggester.objects.create(
            agency=agency, scheme=scheme, version=VERSION, started_by=actor
        )
        audit_record(
            actor=actor,
            action="suggestions.train",
            agency=agency,
            target=suggester,
            details={"scheme": scheme.slug},
        )
    return suggester


def suggester_start(*, agency: Agency, scheme: CodingScheme, actor: User) -> Suggester:
    """Create a suggester and train it in the background (here, without a broker)."""
    suggester = suggester_create(agency=agency, scheme=scheme, actor=actor)
    enqueue("suggestions.jobs.train", suggester.pk)
    return suggester


def _progress(suggester_id: int, percent: int, message: str) -> None:
    Suggester.objects.filter(pk=suggester_id).update(progress=min(100, percent), message=message)


def suggester_train(*, suggester_id: int) -> Suggester:
    """Train a queued suggester: read the codings of record, fit and evaluate, store the
    model with its extent and metrics. A failure is recorded on the suggester."""
    from suggestions.selectors import human_kappa
    from suggestions.training import train

    claimed = Suggester.objects.filter(pk=suggester_id, status=SuggesterStatus.QUEUED).update(
        status=SuggesterStatus.RUNNING, progress=1, message="Reading the codings of record"
    )
    suggester = Suggester.objects.select_related("agency", "scheme").get(pk=suggester_id)
    if not claimed:
        return suggester  # already trained, or being trained by another worker
    try:
        from suggestions.selectors import dimension_specs

        corpus, extent = training_corpus(suggester.agency, suggester.scheme)
        if not extent.enough:
            raise ValidationError(extent.shortfall(suggester.agency, suggester.scheme))
        model, metrics = train(
            corpus,
            dimension_specs(suggester.scheme),
            progress=lambda percent, message: _progress(suggester_id, percent, message),
        )
        humans = human_kappa(suggester.agency, suggester.scheme)
        for slug, figures in metrics.items():
            figures["human_kappa"] = humans.get(slug)
        suggester.codings = extent.codings
        suggester.utterances = extent.utterances
        suggester.first_session = extent.first_session
        suggester.last_session = extent.last_session
        suggester.metrics = metrics
        suggester.model = model.dumps()
        suggester.status = SuggesterStatus.DONE
        suggester.progress = 100
        suggester.message = "Ready"
    except Exception as exc:  # noqa: BLE001 (any failure is the suggester's outcome)
        log.exception("training suggester %s failed", suggester_id)
        message = exc.messages[0] if isinstance(exc, ValidationError) else repr(exc)
        suggester.status = SuggesterStatus.FAILED
        suggester.message = f"Training failed: {message}"[:500]
        suggester.model = None
    suggester.finished_at = timezone.now()
    suggester.save()
    return suggester


def suggestions_accept(
    *, coding: Coding, user: User, utterance_id: int, code_ids: Sequence[int]
) -> list[CodeChange]:
    """Put the suggested ``code_ids`` on an utterance, as pressing their keys would (the
    other code of a single-code dimension is cleared first), and record them as accepted.

    Refused where suggestions are not offered (``require_suggestions``) and for a code the
    model does not suggest for that utterance."""
    suggester = require_suggestions(coding, user)
    suggested = utterance_suggestions(suggester, coding.transcript_id, utterance_id)
    if suggested is None:
        raise ValidationError("that utterance is not part of this transcript")
    codes = {
        c.pk: c
        for c in Code.objects.filter(pk__in=list(code_ids), scheme=coding.scheme_id).select_related(
            "dimension"
        )
    }
    wanted: list[tuple[int, int, bool]] = []
    held = set(
        coding.utterance_codes.filter(utterance_id=utterance_id).values_list("code_id", "dimension")
    )
    for code_id in dict.fromkeys(code_ids):
        code = codes.get(code_id)
        if code is None or code.abbreviation not in suggested:
            raise ValidationError("that code is not suggested for this utterance")
        if not code.dimension.multiple:
            wanted += [
                (utterance_id, other, False)
                for other, dimension in held
                if dimension == code.dimension_id and other != code_id
            ]
        wanted.append((utterance_id, code_id, True))
    if not wanted:
        raise ValidationError("no code to accept")
    with transaction.atomic():
        changes = codes_write(coding=coding, wanted=wanted)
        AcceptedSuggestion.objects.bulk_create(
            [
                AcceptedSuggestion(
                    coding=coding,
                    utterance_id=utterance_id,
                    code_id=change.code_id,
                    suggester=suggester,
                    probability=suggested[codes[change.code_id].abbreviation],
                )
                for change in changes
                if change.present and change.changed
            ],
            ignore_conflicts=True,
        )
    return changes
