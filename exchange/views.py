from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST

from accounts.access import Cap, can, current_agency, require, role_in
from accounts.models import Agency, Role
from accounts.services import audit_record
from coding.models import Coding, CodingKind
from coding.selectors import session_records
from exchange.forms import (
    CodesExportForm,
    ExportForm,
    ImportMappingForm,
    ImportUploadForm,
    ScoresExportForm,
)
from exchange.importing.check import plan_import
from exchange.importing.plan import ImportPlan
from exchange.importing.tables import Table, TableError, read_table
from exchange.pending import (
    CODED,
    GLOBALS,
    PendingImport,
    pending_create,
    pending_discard,
    pending_get,
    pending_remember_mapping,
)
from exchange.selectors import (
    AGENCY,
    MINE,
    codings_for_export,
    codings_readable,
    schemes_in_use,
    score_table,
    utterance_code_table,
)
from exchange.services import codings_import
from mi_coding.errors import validation_message
from mi_coding.tabular import CSV, table_response


def _agency(request: HttpRequest) -> Agency:
    agency = current_agency(request)
    if agency is None:
        raise Http404
    return agency


def _export_codings(request: HttpRequest, agency: Agency, scope: str) -> QuerySet[Coding]:
    """Agency-wide exports need the export capability; any member may export their own."""
    if scope == AGENCY:
        require(request.user, agency.pk, Cap.EXPORT)
    elif role_in(request.user, agency.pk) is None:
        raise Http404
    return codings_for_export(request.user, agency, scope)


def _scope(request: HttpRequest) -> str:
    # Anything but an explicit agency-wide request is the narrowest scope.
    return AGENCY if request.POST.get("scope") == AGENCY else MINE


def exchange_index(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    scope = AGENCY if can(request.user, agency.pk, Cap.EXPORT) else MINE
    codings = _export_codings(request, agency, scope)
    schemes = schemes_in_use(codings)
    role = role_in(request.user, agency.pk)
    # A practitioner's dashboard counts sessions, each once and one scheme at a time: say how
    # many there are, so that the two pages can be compared.
    records = session_records(codings) if role == Role.PRACTITIONER else []
    return render(
        request,
        "exchange/index.html",
        {
            "agency": agency,
            "scope": scope,
            "role": role,
            "coding_count": codings.exclude(kind=CodingKind.CALIBRATION).count(),
            "session_count": len(records),
            "session_schemes": len({record.scheme_id for record in records}),
            # Two forms on one page: ids of their own, so each label names its own control.
            "scores_form": ScoresExportForm(schemes=schemes, auto_id="scores_%s"),
            "codes_form": CodesExportForm(schemes=schemes, auto_id="codes_%s"),
            "can_import": can(request.user, agency.pk, Cap.IMPORT_CODINGS),
        },
    )


def _download_name(agency: Agency, scope: str, what: str) -> str:
    owner = agency.slug if scope == AGENCY else f"{agency.slug}-my"
    return f"{owner}-{what}-{timezone.localdate():%Y-%m-%d}"


def _export_form(
    request: HttpRequest, form_class: type[ExportForm]
) -> tuple[Agency, str, QuerySet[Coding], ExportForm]:
    """The agency, scope and codings of an export request, and its bound form."""
    agency = _agency(request)
    scope = _scope(request)
    codings = _export_codings(request, agency, scope)
    return agency, scope, codings, form_class(request.POST, schemes=schemes_in_use(codings))


def _record_export(
    request: HttpRequest, agency: Agency, what: str, details: dict[str, object]
) -> None:
    audit_record(actor=request.user, action=f"export.{what}", agency=agency, details=details)


@require_POST
def export_scores(request: HttpRequest) -> HttpResponse:
    agency, scope, codings, form = _export_form(request, ScoresExportForm)
    if not form.is_valid():
        messages.error(request, "Choose a scheme and a format from the lists.")
        return redirect("exchange:index")
    scheme, fmt = form.cleaned_data["scheme"], form.cleaned_data["format"]
    table = score_table(
        codings, agency, scheme, records_among=codings_readable(request.user, agency)
    )
    _record_export(
        request,
        agency,
        "scores",
        {"scope": scope, "format": fmt, "scheme": form.scheme_slug(), "rows": len(table.rows)},
    )
    return table_response(fmt, _download_name(agency, scope, "scores"), table.columns, table.rows)


@require_POST
def export_codes(request: HttpRequest) -> HttpResponse:
    agency, scope, codings, form = _export_form(request, CodesExportForm)
    if not form.is_valid():
        messages.error(request, "Choose a scheme from the list.")
        return redirect("exchange:index")
    scheme, include_text = form.cleaned_data["scheme"], form.cleaned_data["include_text"]
    table = utterance_code_table(
        codings,
        include_text=include_text,
        scheme=scheme,
        records_among=codings_readable(request.user, agency),
    )
    _record_export(
        request,
        agency,
        "utterance_codes",
        {
            "scope": scope,
            "format": CSV,
            "scheme": form.scheme_slug(),
            "include_text": include_text,
            "rows": len(table.rows),
        },
    )
    return table_response(
        CSV, _download_name(agency, scope, "utterance-codes"), table.columns, table.rows
    )


# ---------------------------------------------------------------- import from the web


def _may_replace(request: HttpRequest, agency: Agency) -> bool:
    return can(request.user, agency.pk, Cap.SUPERVISE)


def import_upload(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    require(request.user, agency.pk, Cap.IMPORT_CODINGS)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = {CODED: form.cleaned_data["file"][:2]}
        if form.cleaned_data["globals_file"]:
            uploads[GLOBALS] = form.cleaned_data["globals_file"][:2]
        pending = pending_create(request, agency, uploads)
        return redirect("exchange:import_map", token=pending.token)
    return render(request, "exchange/import_upload.html", {"form": form})


def _plan(
    request: HttpRequest, agency: Agency, form: ImportMappingForm, tables: dict[str, Table]
) -> ImportPlan:
    # An account of another agency joins only by accepting an invitation, never by import.
    options = form.import_options(outside_users_join=False)
    return plan_import(
        agency=agency, table=tables[CODED], options=options, globals_table=tables.get(GLOBALS)
    )


def _pending_tables(pending: PendingImport) -> dict[str, Table]:
    tables = {}
    for part, filename in pending.filenames.items():
        tables[part] = read_table(filename, pending.read(part))
    return tables


def _pending_for(request: HttpRequest, token: str) -> tuple[Agency, PendingImport]:
    agency = _agency(request)
    require(request.user, agency.pk, Cap.IMPORT_CODINGS)
    return agency, pending_get(request, token, agency)


def import_map(request: HttpRequest, token: str) -> HttpResponse:
    """Choose the columns and the scheme; each submission shows the preview of the import."""
    agency, pending = _pending_for(request, token)
    try:
        tables = _pending_tables(pending)
    except TableError as exc:
        pending_discard(request)
        messages.error(request, str(exc))
        return redirect("exchange:import")
    # Coming back to the page shows the last mapping and its preview again.
    data = request.POST if request.method == "POST" else MultiValueDict(pending.mapping) or None
    form = ImportMappingForm(
        data, table=tables[CODED], agency=agency, may_replace=_may_replace(request, agency)
    )
    plan = None
    if data is not None and form.is_valid():
        plan = _plan(request, agency, form, tables)
        pending_remember_mapping(
            request,
            {key: request.POST.getlist(key) for key in form.fields if key in request.POST},
        )
    return render(
        request,
        "exchange/import_map.html",
        {"form": form, "pending": pending, "plan": plan, "table": tables[CODED]},
    )


@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Check the file again with the previewed mapping, then write it all or nothing."""
    agency, pending = _pending_for(request, token)
    if not pending.mapping:
        return redirect("exchange:import_map", token=token)
    tables = _pending_tables(pending)
    form = ImportMappingForm(
        MultiValueDict(pending.mapping),
        table=tables[CODED],
        agency=agency,
        may_replace=_may_replace(request, agency),
    )
    if not form.is_valid():
        messages.error(request, "The column mapping is no longer valid; check it again.")
        return redirect("exchange:import_map", token=token)
    plan = _plan(request, agency, form, tables)
    if not plan.ok:
        messages.error(request, f"Nothing was imported: {plan.summary()}")
        return redirect("exchange:import_map", token=token)
    try:
        imported = codings_import(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, f"Nothing was imported: {validation_message(exc)}")
        return redirect("exchange:import_map", token=token)
    pending_discard(request)
    codes = sum(coding.codes for coding in imported)
    transcripts = len({coding.transcript_id for coding in imported})
    messages.success(
        request,
        f"Imported {len(imported)} codings ({codes} codes) of {transcripts} transcripts from "
        f"{pending.filenames[CODED]}.",
    )
    return redirect("exchange:index")


@require_POST
def import_cancel(request: HttpRequest, token: str) -> HttpResponse:
    _pending_for(request, token)
    pending_discard(request)
    messages.info(request, "The upload was discarded; nothing was imported.")
    return redirect("exchange:index")
