from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import get_coding_for_user
from coding.selectors import coding_results, score_definitions


def coding_workspace(request: HttpRequest, pk: int) -> HttpResponse:
    coding = get_coding_for_user(request.user, pk)
    definitions = score_definitions(coding.scheme, coding.transcript.agency)
    (result,) = coding_results([coding], {coding.scheme_id: definitions})
    codes_by_utterance: dict[int, list[str]] = {}
    for row in coding.utterance_codes.select_related("code").order_by("code__position"):
        codes_by_utterance.setdefault(row.utterance_id, []).append(row.code.abbreviation)
    utterances = [
        (utterance, codes_by_utterance.get(utterance.pk, []))
        for utterance in coding.transcript.utterances.in_order()
    ]
    return render(
        request,
        "coding/workspace.html",
        {
            "coding": coding,
            "result": result,
            "definitions": definitions,
            "utterances": utterances,
        },
    )


def coding_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    coding = get_coding_for_user(request.user, pk)
    definitions = score_definitions(coding.scheme, coding.transcript.agency)
    (result,) = coding_results([coding], {coding.scheme_id: definitions})
    return render(
        request,
        "coding/feedback.html",
        {"coding": coding, "result": result, "definitions": definitions},
    )
