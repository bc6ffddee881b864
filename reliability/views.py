"""The reliability pages. Every one of them computes, but the statistics (pandas, scipy,
statsmodels, pingouin, plotly) are imported inside the views, so that loading the URLconf
does not load them into every worker: the first reliability request pays for them once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.access import Cap, current_agency_with
from accounts.models import Agency, User
from coding.models import Coding, CodingStatus
from mi_coding.pagination import paginate
from mi_coding.tabular import CSV, table_response
from reliability.forms import ReliabilityForm
from transcripts.models import Utterance
from workflow.visibility import codings_visible_to, transcripts_visible_to

if TYPE_CHECKING:
    from reliability.agreement import PairAgreement
    from reliability.reports import Report
    from reliability.selectors import ReliabilityData

# Parameters of the form; a cell link keeps them and adds its own.
FORM_PARAMS = (
    "scheme",
    "coder",
    "reliability_set",
    "date_from",
    "date_to",
    "team",
    "practitioner",
    "include_consensus",
)


def _visible_codings(user: User, agency: Agency) -> QuerySet[Coding]:
    return codings_visible_to(user).filter(transcript__agency=agency)


def _default_scheme(codings: QuerySet[Coding]) -> str | None:
    """The scheme with the most submitted codings, so the form starts where the data is."""
    busiest = (
        codings.filter(status=CodingStatus.SUBMITTED)
        .order_by()
        .values("scheme__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "scheme__slug")
        .first()
    )
    return busiest["scheme__slug"] if busiest else None


def _form(request: HttpRequest, agency: Agency, codings: QuerySet[Coding]) -> ReliabilityForm:
    if "scheme" in request.GET:
        return ReliabilityForm(request.GET, agency=agency, codings=codings)
    return ReliabilityForm(
        agency=agency, codings=codings, initial={"scheme": _default_scheme(codings)}
    )


def _data(
    request: HttpRequest,
    agency: Agency,
    form: ReliabilityForm,
    codings: QuerySet[Coding],
    coders: list[str] | None = None,
) -> ReliabilityData:
    from reliability.selectors import filtered_transcripts, reliability_data

    data = form.cleaned_data
    transcripts = filtered_transcripts(
        transcripts_visible_to(request.user).filter(agency=agency),
        date_from=data["date_from"],
        date_to=data["date_to"],
        team=data["team"],
        practitioner=data["practitioner"],
        reliability_set=data["reliability_set"],
    )
    return reliability_data(
        codings,
        scheme=data["scheme"],
        agency=agency,
        transcripts=transcripts,
        coders=coders if coders is not None else form.coder_names,
        include_consensus=data["include_consensus"],
    )


def _form_query(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.GET.getlist(key) for key in FORM_PARAMS if key in request.GET}


def reliability_index(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.RELIABILITY)
    codings = _visible_codings(request.user, agency)
    form = _form(request, agency, codings)
    context: dict[str, Any] = {"form": form, "agency": agency}
    if form.is_bound and form.is_valid():
        from reliability.reports import reliability_report

        try:
            report = reliability_report(_data(request, agency, form, codings))
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            context.update(_report_context(request, report))
    return render(request, "reliability/index.html", context)


@dataclass
class PairView:
    pair: PairAgreement
    figure_id: str
    figure: dict[str, Any]
    disagreements_url: str


def _pair_url(request: HttpRequest, dimension: str, first: str, second: str) -> str:
    """The list of a pair's disagreements; adding ``row`` and ``col`` narrows it to a cell."""
    params = QueryDict(mutable=True)
    for key, values in _form_query(request).items():
        params.setlist(key, values)
    params.update({"dimension": dimension, "a": first, "b": second})
    return f"{reverse('reliability:cell')}?{params.urlencode()}"


def _pair_view(
    request: HttpRequest, slug: str, figure_id: str, pair: PairAgreement, *, multiple: bool
) -> PairView:
    """A pair's figures: the confusion heatmap of a single-code dimension; a multi-code
    dimension shows per-code and per-set tables instead (its matrix over every combination
    of codes is unreadable)."""
    from reliability.charts import confusion_figure

    first, second = (str(c) for c in pair.coders)
    base = _pair_url(request, slug, first, second)
    return PairView(
        pair=pair,
        figure_id="" if multiple else figure_id,
        figure={} if multiple else confusion_figure(pair, base),
        disagreements_url=base,
    )


def _report_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    dimensions = [
        {
            "report": dimension,
            "pairs": [
                _pair_view(
                    request,
                    dimension.info.slug,
                    f"confusion-{d}-{p}",
                    pair,
                    multiple=dimension.info.multiple,
                )
                for p, pair in enumerate(dimension.result.pairs)
            ],
        }
        for d, dimension in enumerate(report.dimensions)
    ]
    query = request.GET.urlencode()
    return {
        "report": report,
        "dimensions": dimensions,
        "figures": {p.figure_id: p.figure for d in dimensions for p in d["pairs"] if p.figure_id},
        "session_groups": [
            (title, [m for m in report.session if m.kind == kind])
            for kind, title in (
                ("code", "Code counts"),
                ("global", "Global ratings"),
                ("summary", "Summary scores"),
            )
        ],
        "csv_url": f"{reverse('reliability:download', args=['csv'])}?{query}",
        "json_url": f"{reverse('reliability:download', args=['json'])}?{query}",
    }


def reliability_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The same report as the page, as a CSV table or the documented JSON."""
    from reliability.reports import TABLE_COLUMNS, reliability_report, report_json, report_rows

    agency = current_agency_with(request, Cap.RELIABILITY)
    codings = _visible_codings(request.user, agency)
    form = _form(request, agency, codings)
    if not form.is_bound or not form.is_valid():
        return HttpResponse(
            "Choose a scheme and valid filters on the reliability page first.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        report = reliability_report(_data(request, agency, form, codings))
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    filename = f"reliability-{report.scheme_slug}-{timezone.localdate().isoformat()}"
    if fmt == CSV:
        return table_response(CSV, filename, TABLE_COLUMNS, report_rows(report))
    response = JsonResponse(
        report_json(report), json_dumps_params={"indent": 2, "allow_nan": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    response["Cache-Control"] = "no-store"
    return response


def reliability_cell(request: HttpRequest) -> HttpResponse:
    """The utterances in one cell of a pair's confusion matrix (or all the pair's
    disagreements), each with both coders' codes side by side."""
    from reliability.agreement import labels_by_unit
    from reliability.reports import dimension_input
    from reliability.selectors import CONSENSUS_RATER

    agency = current_agency_with(request, Cap.RELIABILITY)
    codings = _visible_codings(request.user, agency)
    form = _form(request, agency, codings)
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if not form.is_bound or not form.is_valid() or not first or not second or first == second:
        raise Http404
    named = [name for name in (first, second) if name != CONSENSUS_RATER]
    try:
        data = _data(request, agency, form, codings, coders=named)
    except ValueError as exc:
        raise Http404 from exc
    info = next((d for d in data.dimensions if d.slug == request.GET.get("dimension")), None)
    if info is None or first not in data.raters or second not in data.raters:
        raise Http404
    rated, codes, _ = dimension_input(data, info)
    labels = labels_by_unit(
        rated[[first, second]],
        codes[codes["coder"].isin([first, second])],
        info.codes,
        multiple=info.multiple,
    )
    both = labels[first].notna() & labels[second].notna()
    row, column = request.GET.get("row"), request.GET.get("col")
    if row is not None and column is not None:
        chosen = both & (labels[first] == row) & (labels[second] == column)
    else:
        chosen = both & (labels[first] != labels[second])
    units = data.utterances[data.utterances["speaker"] == info.speaker]
    units = units.set_index("utterance").loc[labels.index[chosen]]
    ordered = units.sort_values(["transcript", "position"]).index.tolist()
    page = paginate(request, ordered)
    utterances = {
        u.pk: u
        for u in Utterance.objects.filter(
            pk__in=list(page.object_list),
            transcript__in=transcripts_visible_to(request.user),
        ).select_related("transcript")
    }
    rows = [
        {
            "utterance": utterances[pk],
            "first": labels.at[pk, first],
            "second": labels.at[pk, second],
        }
        for pk in page.object_list
        if pk in utterances
    ]
    back = request.GET.copy()
    for key in ("dimension", "a", "b", "row", "col", "page"):
        back.pop(key, None)
    return render(
        request,
        "reliability/cell.html",
        {
            "dimension": info,
            "first": first,
            "second": second,
            "row": row,
            "column": column,
            "page": page,
            "rows": rows,
            "total": len(ordered),
            "back_url": f"{reverse('reliability:index')}?{back.urlencode()}",
            "previous_url": _page_url(request, page.previous_page_number())
            if page.has_previous()
            else None,
            "next_url": _page_url(request, page.next_page_number()) if page.has_next() else None,
        },
    )


def _page_url(request: HttpRequest, number: int) -> str:
    """The same query on another page, keeping every value of repeated parameters."""
    params = request.GET.copy()
    params["page"] = str(number)
    return f"?{params.urlencode()}"
