"""Formatting of reliability statistics for the page: undefined values read as a dash.

Django loads every tag library with its template engine, in every process; the statistics
modules are imported in the filters that use them, which only the reliability pages call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from reliability.agreement import CodeAgreement, PairAgreement

register = template.Library()


@register.filter
def stat(value: float | None, digits: int = 2) -> str:
    """A statistic to ``digits`` decimals, with a true minus sign; "—" when undefined."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace("-", "−")


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def interval(value: tuple[float, float] | None) -> str:
    if value is None:
        return "—"
    return f"[{stat(value[0])}, {stat(value[1])}]"


@register.filter
def code_note(result: CodeAgreement) -> str:
    """Why a code's statistics are undefined, or what they rest on; as in the downloads."""
    from reliability import reports

    return reports.code_note(result) or ""


@register.filter
def band_class(band: str | None) -> str:
    return {
        "poor": "text-bg-danger",
        "fair": "text-bg-warning",
        "good": "text-bg-info",
        "excellent": "text-bg-success",
    }.get(band or "", "text-bg-light")


@register.filter
def cicchetti(value: float | None) -> str | None:
    from reliability.stats import cicchetti_band

    return cicchetti_band(value)


def _matrix_table(
    matrix: Any, first: str, second: str, *, css: str, caption: str, cells_url: str = ""
) -> SafeString:
    """A square matrix of counts (rows ``first``'s labels, columns ``second``'s) as an
    accessible table, the diagonal marked; with ``cells_url`` each count links to its
    utterances. Built here rather than in template loops: a matrix of code sets can hold
    thousands of cells."""
    columns = [str(column) for column in matrix.columns]
    head = format_html_join("", '<th scope="col">{}</th>', ((column,) for column in columns))
    rows = []
    for row, counts in zip(matrix.index, matrix.to_numpy().tolist(), strict=True):
        row = str(row)
        cells = []
        for column, count in zip(columns, counts, strict=True):
            content = str(count)
            if count and cells_url:
                content = format_html(
                    '<a href="{}" aria-label="{} utterance(s): {} {}, {} {}">{}</a>',
                    f"{cells_url}&{urlencode({'row': row, 'col': column})}",
                    count,
                    first,
                    row,
                    second,
                    column,
                    count,
                )
            cells.append((" table-success" if row == column else "", content))
        rows.append((row, format_html_join("", '<td class="text-end{}">{}</td>', cells)))
    return format_html(
        '<table class="table table-sm table-bordered w-auto mt-2 {}">'
        "<caption>{}</caption>"
        '<thead><tr><th scope="col"><span class="visually-hidden">{} \\ {}</span></th>{}</tr>'
        "</thead><tbody>{}</tbody></table>",
        css,
        caption,
        first,
        second,
        head,
        format_html_join("", '<tr><th scope="row">{}</th>{}</tr>', rows),
    )


@register.simple_tag
def confusion_table(pair: PairAgreement, cells_url: str) -> SafeString:
    """A pair's confusion matrix whose counts link to their utterances."""
    first, second = (str(coder) for coder in pair.coders)
    return _matrix_table(
        pair.confusion,
        first,
        second,
        css="confusion-table",
        caption=f"Rows: {first}; columns: {second}. Each count links to its utterances.",
        cells_url=cells_url,
    )


@register.simple_tag
def presence_tables(pair: PairAgreement) -> SafeString:
    """Each code's present/absent 2 × 2 table between the pair, one row per code: both gave
    it, only the first, only the second, neither; and the code's κ (with a note when it
    cannot be computed)."""
    first, second = (str(coder) for coder in pair.coders)
    rows = []
    for code, table in pair.presence.items():
        (neither, only_second), (only_first, both) = table.tolist()
        kappa = pair.per_code[code]
        rows.append(
            (
                code,
                both,
                only_first,
                only_second,
                neither,
                stat(kappa.value),
                "" if kappa.defined else kappa.note or "",
            )
        )
    return format_html(
        '<table class="table table-sm table-bordered w-auto mt-2 presence-table">'
        "<caption>Each code present or absent: utterances where both coders gave it, only "
        "{}, only {}, or neither.</caption>"
        '<thead><tr><th scope="col">Code</th><th scope="col">Both</th>'
        '<th scope="col">Only {}</th><th scope="col">Only {}</th>'
        '<th scope="col">Neither</th><th scope="col">κ</th><th scope="col">Note</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        first,
        second,
        first,
        second,
        format_html_join(
            "",
            '<tr><th scope="row">{}</th><td class="text-end table-success">{}</td>'
            '<td class="text-end">{}</td><td class="text-end">{}</td>'
            '<td class="text-end table-success">{}</td><td class="text-end">{}</td>'
            '<td class="small text-body-secondary">{}</td></tr>',
            rows,
        ),
    )


@register.simple_tag
def set_confusion_table(pair: PairAgreement, matrix: Any) -> SafeString:
    """The confusion matrix of one set of codes that exclude each other (SR vs CR), with
    "neither" for utterances holding none of them."""
    first, second = (str(coder) for coder in pair.coders)
    labels = [str(label) for label in matrix.index]
    members = " vs ".join(label for label in labels if label != "neither" and "+" not in label)
    return _matrix_table(
        matrix,
        first,
        second,
        css="set-confusion-table",
        caption=f"{members}: rows {first}, columns {second}; “neither” is an utterance with "
        "none of them.",
    )
