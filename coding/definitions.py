"""Coding schemes back to the JSON definition ``scheme_load`` reads (archives, upgrades)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coding.models import Code, CodingScheme, Dimension, GlobalScale, SummaryScore


def scheme_definitions(schemes: list[CodingScheme]) -> dict[int, dict[str, Any]]:
    """{scheme id: definition} in four queries, in the order the scheme lists its parts."""
    ids = [scheme.pk for scheme in schemes]
    codes: dict[int, list[dict]] = defaultdict(list)
    for code in Code.objects.filter(scheme_id__in=ids).order_by("dimension_id", "position", "pk"):
        codes[code.dimension_id].append(
            {
                "abbreviation": code.abbreviation,
                "name": code.name,
                "key": code.key,
                "group": code.group,
                "description": code.description,
            }
        )
    parts: dict[int, dict[str, list]] = defaultdict(
        lambda: {"dimensions": [], "globals": [], "summary_scores": []}
    )
    for dimension in Dimension.objects.filter(scheme_id__in=ids).order_by("position", "pk"):
        parts[dimension.scheme_id]["dimensions"].append(
            {
                "slug": dimension.slug,
                "name": dimension.name,
                "speaker": dimension.speaker,
                "multiple": dimension.multiple,
                "codes": codes[dimension.pk],
                "exclusive": dimension.exclusive or [],
            }
        )
    for scale in GlobalScale.objects.filter(scheme_id__in=ids).order_by("position", "pk"):
        parts[scale.scheme_id]["globals"].append(
            {
                "slug": scale.slug,
                "name": scale.name,
                "description": scale.description,
                "min": scale.min_value,
                "max": scale.max_value,
                "anchors": scale.anchors,
            }
        )
    for summary in SummaryScore.objects.filter(scheme_id__in=ids).order_by("position", "pk"):
        parts[summary.scheme_id]["summary_scores"].append(
            {
                "slug": summary.slug,
                "name": summary.name,
                "type": summary.type,
                **summary.definition,
                "fair": summary.fair,
                "good": summary.good,
            }
        )
    return {
        scheme.pk: {
            "slug": scheme.slug,
            "name": scheme.name,
            "version": scheme.version,
            "description": scheme.description,
            **parts[scheme.pk],
        }
        for scheme in schemes
    }
