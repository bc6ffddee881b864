"""Template helpers for fidelity numbers: scores, bands, shares and trends, each shown with
text and a symbol so nothing depends on colour."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from coding import scores
from coding.models import CodingKind
from coding.selectors import ScoreDefinition
from dashboards.selectors import PractitionerRow

if TYPE_CHECKING:
    from dashboards.stats import ScoreSummary

register = template.Library()

BAND_MARKS = {scores.GOOD: "●", scores.FAIR: "◐", scores.BELOW_FAIR: "○"}


@register.filter
def get(mapping: Mapping | None, key: object) -> Any:
    return mapping.get(key) if mapping else None


def _number(value: object) -> float | None:
    # A missing summary resolves to "" in templates; show it as undefined.
    return float(value) if isinstance(value, int | float) else None


@register.filter
def kind_label(kind: str) -> str:
    """A coding kind as prose: "consensus", "gold standard", "primary"."""
    return CodingKind(kind).label.lower()


@register.filter
def score(value: float | None, definition: ScoreDefinition) -> str:
    return definition.format(_number(value))


@register.filter
def band_of(value: float | None, definition: ScoreDefinition) -> str | None:
    return definition.band(_number(value))


@register.filter
def mean_score(value: float | None, definition: ScoreDefinition) -> str:
    """A score averaged over sessions: by the score's rule, and never as a whole count."""
    return definition.format(_number(value), averaged=True)


@register.filter
def share(value: float | None) -> str:
    value = _number(value)
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def thresholded(definition: ScoreDefinition) -> bool:
    return definition.fair is not None or definition.good is not None


@register.simple_tag
def band_badge(band: str | None) -> str:
    """A band as a badge: a symbol and a word, the colour only repeating them."""
    if band not in BAND_MARKS:
        return ""
    return format_html(
        '<span class="badge band band-{}"><span aria-hidden="true">{}</span> {}</span>',
        band.replace("_", "-"),
        BAND_MARKS[band],
        scores.BAND_LABELS[band],
    )


@register.simple_tag
def trend(summary: ScoreSummary | None, compact: bool = False) -> str:
    """A trend as an arrow and a word; ``compact`` shows the arrow alone, the word read out
    and shown on hover."""
    if summary is None or summary.trend is None:
        return format_html(
            '<span class="text-body-secondary" title="{}">—</span>',
            "A trend needs three sessions with this score.",
        )
    return format_html(
        '<span class="trend trend-{}" title="{}{} per session">'
        '<span aria-hidden="true">{}</span>{}</span>',
        summary.trend,
        f"{summary.trend}, " if compact else "",
        f"{summary.slope:+.2f}",
        summary.arrow,
        format_html('<span class="visually-hidden">{}</span>', summary.trend)
        if compact
        else f" {summary.trend}",
    )


@register.simple_tag
def band_mark(band: str | None) -> str:
    """A band as its symbol alone, for narrow tables: the word is read out and shown on
    hover, and the legend above the table says what each symbol means."""
    if band not in BAND_MARKS:
        return ""
    label = scores.BAND_LABELS[band]
    return format_html(
        '<span class="band-mark band-{}" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        band.replace("_", "-"),
        label,
        BAND_MARKS[band],
        label,
    )


@register.simple_tag
def audit_cells(row: PractitionerRow, definitions: list[ScoreDefinition]) -> str:
    """A practitioner's cells for every summary score: latest with its band, mean with the
    trend, and the share of sessions at fair or better where the score has thresholds;
    narrow enough that a whole MITI audit fits a 1,400 px screen. One tag per row keeps a 200-row
    audit quick to render."""
    cells = []
    for d in definitions:
        summary = row.scores[d.slug]
        cells.append(
            format_html(
                '<td class="text-end text-nowrap score-group" data-score="{}">{} {}</td>'
                '<td class="text-end text-nowrap">{} {}</td>',
                d.slug,
                d.format(summary.latest),
                band_mark(summary.latest_band),
                d.format(summary.mean, averaged=True),
                trend(summary, compact=True),
            )
        )
        if thresholded(d):
            cells.append(format_html('<td class="text-end">{}</td>', share(summary.share_fair)))
    return mark_safe("".join(cells))  # noqa: S308 - every part is escaped by format_html


@register.simple_tag(takes_context=True)
def sort_header(
    context: template.Context, key: str, label: str, numeric: bool = True, rowspan: int = 1
) -> str:
    """A table header that sorts by ``key``: a link toggling the direction, with aria-sort."""
    request = context["request"]
    current, descending = context.get("sort"), context.get("descending", False)
    active = current == key
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    query["sort"] = key
    if active:
        query["dir"] = "asc" if descending else "desc"
    else:  # numbers are most useful highest first, names A to Z
        query["dir"] = "desc" if numeric else "asc"
    aria = ("descending" if descending else "ascending") if active else "none"
    arrow = ("▼" if descending else "▲") if active else ""
    return format_html(
        '<th scope="col" rowspan="{}" aria-sort="{}" class="text-nowrap{}">'
        '<a href="?{}" class="sort-link">{}</a> <span aria-hidden="true">{}</span></th>',
        rowspan,
        aria,
        " text-end" if numeric else "",
        query.urlencode(),
        label,
        arrow,
    )
