"""Starting a coding: the one way a coding comes to exist in the workflow.

Whoever starts it (a coder from their queue or a transcript's page, a supervisor coding
themselves, a calibration, an adjudication), the coding gets its kind from the coder's
assignment, fulfils that assignment and is recorded in the audit log.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.services import audit_record
from coding.models import PERSONAL_KINDS, Coding, CodingKind, CodingScheme
from coding.services.codings import coding_create
from transcripts.models import Transcript
from workflow.models import Assignment


def coding_start(
    *,
    transcript: Transcript,
    scheme: CodingScheme,
    coder: User,
    actor: User,
    kind: str | None = None,
) -> Coding:
    """The coder's own coding of ``transcript`` with ``scheme``, started if need be.

    Without ``kind`` this is the coder's personal coding: an existing one is returned as it
    is; a new one takes the kind of the coder's assignment (primary without one). Calibration
    and consensus codings are started with their kind given. Either way an open assignment of
    the coder for this transcript and scheme now points at the coding.
    """
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .filter(transcript=transcript, coder=coder, scheme=scheme)
            .first()
        )
        if kind is None:
            existing = Coding.objects.filter(
                transcript=transcript, coder=coder, scheme=scheme, kind__in=PERSONAL_KINDS
            ).first()
            if existing is not None:
                _fulfil(assignment, existing)
                return existing
            kind = assignment.kind if assignment is not None else CodingKind.PRIMARY
        coding = coding_create(transcript=transcript, scheme=scheme, coder=coder, kind=kind)
        if kind in PERSONAL_KINDS:
            _fulfil(assignment, coding)
        audit_record(
            actor=actor,
            action="coding.start",
            agency=transcript.agency,
            target=coding,
            details={
                "kind": coding.kind,
                "coder": coder.username,
                "coded_from": coding.coded_from,
                "assignment": assignment.pk
                if assignment is not None and kind in PERSONAL_KINDS
                else None,
            },
        )
    return coding


def _fulfil(assignment: Assignment | None, coding: Coding) -> None:
    if assignment is not None and assignment.coding_id is None:
        assignment.coding = coding
        assignment.save(update_fields=["coding"])
