"""Drawing a random share of transcripts for blind double coding."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import Cap, current_agency_with
from mi_coding.errors import validation_message
from workflow.forms import SampleForm
from workflow.models import ReliabilitySet
from workflow.sampling import new_seed
from workflow.services.samples import reliability_sample_create, reliability_sample_plan
from workflow.views.common import hidden_fields


def reliability_sample(request: HttpRequest) -> HttpResponse:
    """Preview a seeded sample, then create it on confirmation with that same seed."""
    agency = current_agency_with(request, Cap.SUPERVISE)
    form = SampleForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        seed = data["seed"] if data["seed"] is not None else new_seed()
        try:
            plan = reliability_sample_plan(
                agency=agency,
                scheme=data["scheme"],
                percent=data["percent"],
                seed=seed,
                coders=list(data["coders"]),
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
            name = data["name"] or (
                f"Random {plan.percent.normalize():f}% · seed {seed} · "
                f"{timezone.localdate():%Y-%m-%d}"
            )
            if request.POST.get("confirm") == "1":
                sample = reliability_sample_create(
                    agency=agency,
                    plan=plan,
                    name=name,
                    due_date=data["due_date"],
                    actor=request.user,
                )
                messages.success(
                    request,
                    f"{sample.name}: {len(plan.transcripts)} transcripts sampled, "
                    f"{len(plan.assignments.items)} second coders assigned.",
                )
                return redirect("workflow:sample")
        except ValidationError as exc:
            form.add_error(None, validation_message(exc))
        else:
            return render(
                request,
                "workflow/sample_confirm.html",
                {
                    "plan": plan,
                    "name": name,
                    "data": data,
                    "hidden_fields": hidden_fields(request, drop=("seed", "name"))
                    + [("seed", str(seed)), ("name", name)],
                },
            )
    samples = (
        ReliabilitySet.objects.filter(agency=agency, seed__isnull=False)
        .select_related("scheme", "created_by")
        .prefetch_related("transcripts")
    )
    return render(request, "workflow/sample.html", {"form": form, "samples": samples[:20]})
