"""Gold standards and training sets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import Cap, current_agency_with, get_object_or_404_in
from coding.models import Coding, CodingKind, CodingStatus
from mi_coding.errors import perform, validation_message
from mi_coding.pagination import paginate
from workflow.forms import TrainingSetForm
from workflow.models import TrainingSet
from workflow.services.training import (
    GOLD_FROM,
    coding_mark_gold,
    coding_unmark_gold,
    training_set_delete,
    training_set_save,
)


def gold_standards(request: HttpRequest) -> HttpResponse:
    """The agency's gold standards, and submitted codings that could become one."""
    agency = current_agency_with(request, Cap.SUPERVISE)
    codings = Coding.objects.filter(transcript__agency=agency).select_related(
        "transcript", "coder", "scheme"
    )
    golds = codings.filter(kind=CodingKind.GOLD).order_by("transcript__title", "transcript_id")
    candidates = codings.filter(kind__in=GOLD_FROM, status=CodingStatus.SUBMITTED).order_by(
        "-transcript_id", "submitted_at"
    )
    query = request.GET.get("q", "").strip()
    if query:
        candidates = candidates.filter(transcript__title__icontains=query)
    return render(
        request,
        "workflow/gold.html",
        {"golds": golds, "page": paginate(request, candidates), "q": query},
    )


def _agency_coding(request: HttpRequest, pk: int) -> Coding:
    agency = current_agency_with(request, Cap.SUPERVISE)
    return get_object_or_404_in(
        Coding.objects.filter(transcript__agency=agency).select_related(
            "transcript", "transcript__agency", "coder", "scheme"
        ),
        pk,
    )


@require_POST
def gold_mark(request: HttpRequest, pk: int) -> HttpResponse:
    coding = _agency_coding(request, pk)
    perform(
        request,
        lambda: coding_mark_gold(coding=coding, actor=request.user),
        f"{coding.transcript.label} by {coding.coder} is now gold.",
    )
    return redirect("workflow:gold")


@require_POST
def gold_unmark(request: HttpRequest, pk: int) -> HttpResponse:
    coding = _agency_coding(request, pk)
    perform(
        request,
        lambda: coding_unmark_gold(coding=coding, actor=request.user),
        f"{coding.transcript.label} is no longer a gold standard.",
    )
    return redirect("workflow:gold")


def training_sets(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.SUPERVISE)
    form = TrainingSetForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            training_set = training_set_save(agency=agency, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, validation_message(exc))
        else:
            messages.success(request, f"Training set {training_set.name} created.")
            return redirect("workflow:training")
    sets = (
        TrainingSet.objects.filter(agency=agency)
        .select_related("scheme")
        .annotate(
            size=Count("items", distinct=True), attempt_count=Count("attempts", distinct=True)
        )
    )
    return render(request, "workflow/training.html", {"form": form, "sets": sets})


def training_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.SUPERVISE)
    training_set = get_object_or_404_in(TrainingSet.objects.filter(agency=agency), pk)
    initial = {
        "name": training_set.name,
        "description": training_set.description,
        "scheme": training_set.scheme_id,
        "golds": list(training_set.items.values_list("gold_id", flat=True)),
    }
    form = TrainingSetForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training_set_save(
                agency=agency,
                actor=request.user,
                training_set=training_set,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, validation_message(exc))
        else:
            messages.success(request, f"Training set {training_set.name} saved.")
            return redirect("workflow:training")
    return render(
        request, "workflow/training_edit.html", {"form": form, "training_set": training_set}
    )


def training_set_remove(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.SUPERVISE)
    training_set = get_object_or_404_in(
        TrainingSet.objects.filter(agency=agency).select_related("agency"), pk
    )
    if request.method == "POST":
        perform(
            request,
            lambda: training_set_delete(training_set=training_set, actor=request.user),
            f"Training set {training_set.name} deleted.",
        )
        return redirect("workflow:training")
    return render(
        request,
        "confirm.html",
        {
            "title": f"Delete training set {training_set.name}?",
            "message": "Its gold standards stay gold standards.",
            "confirm_label": "Delete training set",
            "cancel_url": reverse("workflow:training"),
        },
    )
