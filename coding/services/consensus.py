"""The narrow path by which adjudication writes a consensus coding.

A consensus changes only through its adjudication (workflow/services/adjudication.py), which
records who decided each item and why. The public write services refuse a consensus; these
accept nothing else, under the same rules and locks as every other coding.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.core.exceptions import ValidationError

from accounts.models import User
from coding.models import Code, Coding, GlobalRating, GlobalScale
from coding.services.codes import CodeChange, codes_write
from coding.services.codings import _global_rating_write, _submit
from coding.services.rules import scheme_codes
from transcripts.models import Utterance


def consensus_codes_add(*, consensus: Coding, pairs: Sequence[tuple[Utterance, Code]]) -> int:
    """Put the agreed codes on a new consensus at once; returns how many were added."""
    if not pairs:
        return 0
    changes = codes_write(
        coding=consensus,
        wanted=[(utterance.pk, code.pk, True) for utterance, code in pairs],
        adjudicating=True,
    )
    return sum(change.changed for change in changes)


def consensus_codes_replace(
    *, consensus: Coding, utterance: Utterance, codes: Collection[Code]
) -> list[CodeChange]:
    """Make ``codes`` exactly the codes on ``utterance``. Clears come first, so one answer in
    a single-code dimension can replace another."""
    wanted_ids = {code.pk for code in codes}
    scheme = scheme_codes(consensus.scheme)
    unknown = wanted_ids - set(scheme.codes)
    if unknown:
        raise ValidationError(f"that code is not part of {consensus.scheme.name}")
    wanted = [
        (utterance.pk, code_id, False) for code_id in scheme.codes if code_id not in wanted_ids
    ]
    wanted += [(utterance.pk, code_id, True) for code_id in sorted(wanted_ids)]
    return codes_write(coding=consensus, wanted=wanted, adjudicating=True)


def consensus_global_set(
    *, consensus: Coding, scale: GlobalScale, value: int | None
) -> GlobalRating | None:
    return _global_rating_write(consensus, scale, value, "", adjudicating=True)


def consensus_submit(*, consensus: Coding, actor: User) -> Coding:
    """Submit a consensus once its adjudication has decided every disagreement."""
    return _submit(consensus, actor, adjudicating=True)
