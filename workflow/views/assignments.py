"""The coder's queue, the supervisor's overview and assigning work."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import Cap, current_agency_with, get_object_or_404_in
from mi_coding.errors import perform, validation_message
from mi_coding.ids import parse_id
from mi_coding.pagination import paginate
from transcripts.models import Transcript
from workflow.forms import AssignForm
from workflow.models import Assignment, AssignmentStatus
from workflow.people import coders_of
from workflow.selectors.assignments import (
    TRANSCRIPT_FILTERS,
    progress_by_coder,
    queue_counts,
    queue_items,
    transcripts_by_progress,
)
from workflow.services.assignments import (
    assignment_delete,
    assignment_plan,
    assignment_start,
    assignments_create,
)
from workflow.views.common import hidden_fields


def coder_queue(request: HttpRequest) -> HttpResponse:
    """What the signed-in coder has to code, is coding and has submitted."""
    agency = current_agency_with(request, Cap.CODE)
    today = timezone.localdate()
    status = request.GET.get("status")
    if status != AssignmentStatus.SUBMITTED:
        status = "todo"
    items = queue_items(agency, request.user, status)
    return render(
        request,
        "workflow/queue.html",
        {
            "agency": agency,
            "status": status,
            "counts": queue_counts(agency, request.user, today),
            "page": paginate(request, items),
            "today": today,
        },
    )


@require_POST
def assignment_begin(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or continue) an assignment: its coding is created on first use."""
    agency = current_agency_with(request, Cap.CODE)
    assignment = get_object_or_404_in(
        Assignment.objects.filter(agency=agency, coder=request.user), pk
    )
    try:
        coding = assignment_start(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
        return redirect("workflow:queue")
    return redirect("coding:workspace", coding.pk)


def assignment_overview(request: HttpRequest) -> HttpResponse:
    """Progress per coder and per transcript."""
    agency = current_agency_with(request, Cap.SUPERVISE)
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    if show not in TRANSCRIPT_FILTERS:
        show = "open"
    coder_id = parse_id(request.GET.get("coder", ""))
    coder = coders_of(agency).filter(pk=coder_id).first() if coder_id else None
    transcripts = transcripts_by_progress(agency, today, show=show, coder=coder)
    return render(
        request,
        "workflow/overview.html",
        {
            "agency": agency,
            "progress": progress_by_coder(agency, today),
            "page": paginate(request, transcripts),
            "show": show,
            "filters": TRANSCRIPT_FILTERS,
            "coder": coder,
            "today": today,
        },
    )


def assign(request: HttpRequest) -> HttpResponse:
    """Assign transcripts to coders, one or many at once, after a confirmation."""
    agency = current_agency_with(request, Cap.SUPERVISE)
    initial = {}
    transcript_id = parse_id(request.GET.get("transcript", ""))
    if transcript_id is not None:
        initial["transcripts"] = [transcript_id]
    form = AssignForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = assignment_plan(
                agency=agency,
                transcripts=list(data["transcripts"]),
                coders=list(data["coders"]),
                scheme=data["scheme"],
                mode=data["mode"],
            )
            if request.POST.get("confirm") == "1":
                created = assignments_create(
                    agency=agency,
                    plan=plan,
                    scheme=data["scheme"],
                    due_date=data["due_date"],
                    actor=request.user,
                )
                messages.success(
                    request, f"{len(created)} assignment{'s' if len(created) != 1 else ''} made."
                )
                return redirect("workflow:overview")
        except ValidationError as exc:
            form.add_error(None, validation_message(exc))
        else:
            return render(
                request,
                "workflow/assign_confirm.html",
                {"plan": plan, "data": data, "hidden_fields": hidden_fields(request)},
            )
    show_all = request.GET.get("show") == "all" or "transcripts" in initial
    transcripts = Transcript.objects.filter(agency=agency).for_list()
    if "transcripts" in initial:
        transcripts = transcripts.filter(pk__in=initial["transcripts"])
    elif not show_all:
        transcripts = transcripts.filter(assignments__isnull=True)
    page = paginate(request, transcripts.order_by("-pk").distinct())
    chosen = {str(pk) for pk in (form["transcripts"].value() or [])}
    return render(
        request,
        "workflow/assign.html",
        {"form": form, "page": page, "show_all": show_all, "chosen": chosen},
    )


def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    agency = current_agency_with(request, Cap.SUPERVISE)
    assignment = get_object_or_404_in(
        Assignment.objects.filter(agency=agency).select_related("transcript", "coder", "agency"),
        pk,
    )
    if request.method == "POST":
        perform(
            request,
            lambda: assignment_delete(assignment=assignment, actor=request.user),
            "Assignment withdrawn.",
        )
        return redirect("workflow:overview")
    return render(
        request,
        "confirm.html",
        {
            "title": f"Withdraw {assignment.transcript.label} from {assignment.coder.username}?",
            "message": "They have not started it; it leaves their queue.",
            "confirm_label": "Withdraw assignment",
            "cancel_url": reverse("workflow:overview"),
        },
    )
