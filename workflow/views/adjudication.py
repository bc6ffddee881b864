"""Adjudication: supervisors reconcile submitted codings into a consensus coding."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from accounts.access import Cap, current_agency_with, require
from coding.models import Coding, CodingKind, GlobalScale
from coding.selectors import schemes_for
from mi_coding.errors import perform, validation_message
from mi_coding.pagination import paginate
from workflow.forms import DecisionForm
from workflow.models import DecisionSource
from workflow.selectors.adjudication import (
    Adjudication,
    Item,
    adjudication_cases,
    adjudication_for,
    adjudication_item,
)
from workflow.services.adjudication import (
    adjudication_decide,
    adjudication_finish,
    adjudication_start,
)
from workflow.visibility import get_coding_for_user, get_transcript_for_user


def adjudication_list(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.SUPERVISE)
    show_all = request.GET.get("show") == "all"
    cases = adjudication_cases(agency, open_only=not show_all)
    return render(
        request,
        "workflow/adjudication_list.html",
        {"page": paginate(request, cases), "show_all": show_all},
    )


def adjudicate(request: HttpRequest, transcript_pk: int, scheme_pk: int) -> HttpResponse:
    """The side-by-side view; a POST opens the consensus coding."""
    transcript = get_transcript_for_user(request.user, transcript_pk)
    require(request.user, transcript.agency_id, Cap.SUPERVISE)
    scheme = schemes_for(transcript.agency).filter(pk=scheme_pk).first()
    if scheme is None:
        raise Http404
    if request.method == "POST":
        perform(
            request,
            lambda: adjudication_start(transcript=transcript, scheme=scheme, actor=request.user),
        )
        return redirect("workflow:adjudicate", transcript.pk, scheme.pk)
    case = adjudication_for(transcript, scheme)
    return render(
        request,
        "workflow/adjudicate.html",
        {
            "case": case,
            "page_data": _page_data(case),
            "utterance_rows": _utterance_rows(case),
            "global_rows": _global_rows(case),
        },
    )


def decision_text(item: Item) -> str:
    decision = item.decision
    if decision is None:
        return "" if item.agreed else "to decide"
    if decision.source == DecisionSource.CODING:
        text = f"from {decision.source_coding.coder.username}"
    elif decision.source == DecisionSource.OWN:
        text = "own answer"
    else:
        text = "agreed"
    return f"{text}: {decision.reason}" if decision.reason else text


# A 1,000-utterance transcript has 1,000 rows: built here rather than in a template loop,
# which would take several times as long to render.
def _item_cells(item: Item, with_consensus: bool) -> SafeString:
    cells = format_html_join("", '<td class="adj-answer">{}</td>', ((x,) for x in item.labels))
    if not with_consensus:
        return cells
    return format_html(
        '{}<td class="adj-consensus">{}</td><td class="adj-decision small">{}</td>',
        cells,
        item.consensus_label,
        decision_text(item),
    )


def _item_classes(item: Item) -> str:
    classes = ["adj-item"]
    if not item.agreed:
        classes.append("adj-disagree")
    if item.decided:
        classes.append("adj-decided")
    return " ".join(classes)


def _utterance_rows(case: Adjudication) -> SafeString:
    with_consensus = case.consensus is not None
    blank = mark_safe("<td></td>" * (len(case.sources) + (2 if with_consensus else 0)))  # noqa: S308
    rows = []
    for row in case.rows:
        u, item = row.utterance, row.item
        if item is None:
            rows.append(
                format_html(
                    '<tr id="row-{}" class="utterance-{} adj-context"><td>{}</td><td>{}</td>'
                    '<td class="adj-text">{}</td>{}</tr>',
                    u.position,
                    u.speaker_role,
                    u.position,
                    u.speaker_label,
                    u.text,
                    blank,
                )
            )
            continue
        rows.append(
            format_html(
                '<tr id="row-{}" class="utterance-{} {}" data-item="{}" data-label="#{}">'
                '<td>{}</td><td>{}</td><td class="adj-text">{}</td>{}</tr>',
                u.position,
                u.speaker_role,
                _item_classes(item),
                item.key,
                u.position,
                u.position,
                u.speaker_label,
                u.text,
                _item_cells(item, with_consensus),
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every part is escaped above


def _global_rows(case: Adjudication) -> SafeString:
    with_consensus = case.consensus is not None
    return format_html_join(
        "\n",
        '<tr class="{}" data-item="{}" data-label="{}"><th scope="row">{}</th>{}</tr>',
        (
            (_item_classes(i), i.key, i.scale.name, i.scale.name, _item_cells(i, with_consensus))
            for i in case.globals
        ),
    )


def _page_data(case: Adjudication) -> dict[str, object]:
    """What the page script needs: each item's answers and the answers one may give."""
    items: dict[str, dict[str, object]] = {}
    for item in case.items:
        if item.utterance is not None:
            items[item.key] = {
                "answers": [list(a) for a in item.answers],
                "choices": [c.pk for c in item.choices],
                "consensus": list(item.consensus or ()),
            }
        else:
            items[item.key] = {
                "answers": item.answers,
                "consensus": item.consensus,
                "min": item.scale.min_value,
                "max": item.scale.max_value,
            }
    return {
        "sources": [{"id": c.pk, "coder": c.coder.username} for c in case.sources],
        "codes": {
            c.pk: {"abbreviation": c.abbreviation, "name": c.name} for c in case.codes.values()
        },
        "items": items,
    }


def _consensus_for(request: HttpRequest, pk: int) -> Coding:
    consensus = get_coding_for_user(request.user, pk)
    require(request.user, consensus.transcript.agency_id, Cap.SUPERVISE)
    if consensus.kind != CodingKind.CONSENSUS:
        raise Http404
    return consensus


@require_POST
def adjudication_decision(request: HttpRequest, pk: int) -> JsonResponse:
    """Decide one item; answers JSON with the consensus answer now held."""
    consensus = _consensus_for(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        return JsonResponse({"error": message}, status=400)
    data = form.cleaned_data
    kind, item_pk = data["item"]
    utterance = scale = source = None
    if kind == "u":
        utterance = consensus.transcript.utterances.filter(pk=item_pk).first()
    else:
        scale = GlobalScale.objects.filter(pk=item_pk, scheme=consensus.scheme_id).first()
    if utterance is None and scale is None:
        return JsonResponse({"error": "That item is not part of this adjudication."}, status=400)
    if data["source"] is not None:
        source = Coding.objects.filter(
            pk=data["source"], transcript=consensus.transcript_id
        ).first()
        if source is None:
            return JsonResponse({"error": "That coding is not being reconciled."}, status=400)
    try:
        adjudication_decide(
            consensus=consensus,
            actor=request.user,
            utterance=utterance,
            scale=scale,
            source=source,
            codes=data["codes"],
            value=data["value"],
            reason=data["reason"],
            replace=data["replace"],
        )
    except ValidationError as exc:
        decided = getattr(exc, "code", None) == "decided"
        return JsonResponse(
            {"error": validation_message(exc), "decided": decided}, status=409 if decided else 400
        )
    item = adjudication_item(consensus, utterance=utterance, scale=scale)
    return JsonResponse(
        {
            "item": item.key,
            "consensus": item.consensus_label,
            "decision": decision_text(item),
            "source": item.decision.source,
            "source_coding": item.decision.source_coding_id,
            "reason": item.decision.reason,
        }
    )


@require_POST
def adjudication_complete(request: HttpRequest, pk: int) -> HttpResponse:
    consensus = _consensus_for(request, pk)
    perform(
        request,
        lambda: adjudication_finish(consensus=consensus, actor=request.user),
        f"Consensus coding of {consensus.transcript.label} submitted.",
    )
    return redirect("workflow:adjudicate", consensus.transcript_id, consensus.scheme_id)
