"""The scheme's rules for the codes on one utterance, written once, in Python.

Every write of utterance codes (the workspace's save, set, clear, the bulk add, adjudication)
asks ``code_refusal`` before writing. A new rule is one more function in ``CODE_RULES``; the
sets of codes that exclude each other inside a multi-code dimension are data in the scheme.
The database keeps the single-code rule as a named constraint too, as a backstop for two tabs
saving the same utterance at once.

The scheme's codes are read once per process and kept until the scheme changes: every change
goes through ``scheme_load``, which saves the scheme and so moves its ``updated_at``.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coding.models import Code, CodingScheme
from transcripts.models import SpeakerRole


@dataclass(frozen=True)
class SchemeCodes:
    """The codes of one scheme by id, each with its dimension selected."""

    stamp: datetime.datetime
    codes: dict[int, Code]

    def get(self, code_id: int) -> Code | None:
        return self.codes.get(code_id)

    def partners(self, code: Code) -> list[int]:
        """Ids of the codes declared exclusive with ``code``."""
        return sorted(
            other.pk
            for other in self.codes.values()
            if other.pk != code.pk and exclusive_partner(code, [other]) is not None
        )


_cache: dict[int, SchemeCodes] = {}
_cache_lock = threading.Lock()


def scheme_codes(scheme: CodingScheme) -> SchemeCodes:
    """The scheme's codes, from this process's cache while ``scheme.updated_at`` matches."""
    cached = _cache.get(scheme.pk)
    if cached is not None and cached.stamp == scheme.updated_at:
        return cached
    fresh = SchemeCodes(
        stamp=scheme.updated_at,
        codes=Code.objects.filter(scheme_id=scheme.pk).select_related("dimension").in_bulk(),
    )
    with _cache_lock:
        _cache[scheme.pk] = fresh
    return fresh


def scheme_codes_forget(scheme_id: int | None = None) -> None:
    """Drop the cached codes of one scheme (or of all)."""
    with _cache_lock:
        if scheme_id is None:
            _cache.clear()
        else:
            _cache.pop(scheme_id, None)


Rule = Callable[[Code, str, Sequence[Code]], "str | None"]


def _speaker_rule(code: Code, speaker_role: str, others: Sequence[Code]) -> str | None:
    if code.dimension.accepts(speaker_role):
        return None
    role = SpeakerRole(speaker_role).label.lower()
    return (
        f"{code.abbreviation} codes {code.dimension.get_speaker_display().lower()} "
        f"utterances, and this one is {role}"
    )


def _single_code_rule(code: Code, speaker_role: str, others: Sequence[Code]) -> str | None:
    if code.dimension.multiple:
        return None
    other = next((o for o in others if o.dimension_id == code.dimension_id), None)
    if other is None:
        return None
    return (
        f"{code.dimension.name} takes one code per utterance: clear {other.abbreviation} "
        f"before setting {code.abbreviation}"
    )


def exclusive_partner(code: Code, others: Sequence[Code]) -> Code | None:
    """A code among ``others`` that the scheme declares exclusive with ``code`` (one of a set
    such as SR and CR in a multi-code dimension), or None."""
    sets = code.dimension.exclusive_sets_of(code.abbreviation)
    if not sets:
        return None
    partners = {abbr for group in sets for abbr in group} - {code.abbreviation}
    return next(
        (o for o in others if o.dimension_id == code.dimension_id and o.abbreviation in partners),
        None,
    )


def _exclusive_set_rule(code: Code, speaker_role: str, others: Sequence[Code]) -> str | None:
    other = exclusive_partner(code, others)
    if other is None:
        return None
    return (
        f"{code.abbreviation} and {other.abbreviation} exclude each other on one utterance "
        f"in {code.dimension.name}: clear {other.abbreviation} before setting "
        f"{code.abbreviation}"
    )


CODE_RULES: tuple[Rule, ...] = (_speaker_rule, _single_code_rule, _exclusive_set_rule)


def code_refusal(code: Code, speaker_role: str, others: Sequence[Code]) -> str | None:
    """Why ``code`` may not join ``others`` (the codes already on the utterance) on an
    utterance of ``speaker_role``; None when every rule allows it."""
    for rule in CODE_RULES:
        refusal = rule(code, speaker_role, others)
        if refusal is not None:
            return refusal
    return None
