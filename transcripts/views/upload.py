from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import (
    Cap,
    agencies_for,
    current_agency_with,
    get_object_or_404_in,
    require,
)
from accounts.models import Agency, Practitioner
from mi_coding.errors import validation_message
from transcripts.forms import (
    AttachTranscriptForm,
    ColumnsForm,
    DocumentForm,
    RecordingsUploadForm,
    UploadForm,
)
from transcripts.models import Transcript
from transcripts.parsers import ParseError, parse_source
from transcripts.parsers.archive import megabytes
from transcripts.previews import (
    Preview,
    PreviewDocument,
    PreviewGone,
    preview_discard,
    preview_documents,
    preview_layout_set,
    preview_load,
    preview_save,
    sources_of,
)
from transcripts.services import (
    TranscriptDraft,
    audio_sessions_import,
    default_title,
    transcript_attach,
    transcripts_import,
)
from transcripts.views.access import managed_transcript

PREVIEW_GONE = "That preview has expired or was already saved. Upload the file again."


def transcript_upload(request: HttpRequest) -> HttpResponse:
    agency = current_agency_with(request, Cap.MANAGE_TRANSCRIPTS)
    form = UploadForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        token = preview_save(
            request,
            agency_id=agency.pk,
            uploads=form.cleaned_data["files"],
            initial=form.initial_for_preview(),
        )
        return redirect("transcripts:preview", token=token)
    return render(
        request,
        "transcripts/upload.html",
        {
            "form": form,
            "agency": agency,
            "max_mb": megabytes(settings.MI_TRANSCRIPT_MAX_BYTES),
            "max_total_mb": megabytes(settings.MI_UPLOAD_MAX_TOTAL_BYTES),
            "max_files": settings.MI_UPLOAD_MAX_FILES,
        },
    )


def recordings_upload(request: HttpRequest) -> HttpResponse:
    """Sessions from their recordings alone: each file becomes a session coded from audio."""
    agency = current_agency_with(request, Cap.MANAGE_TRANSCRIPTS)
    form = RecordingsUploadForm(request.POST or None, request.FILES or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = audio_sessions_import(
                agency=agency,
                practitioner=data["practitioner"],
                files=data["files"],
                session_date=data["session_date"],
                target_change=data["target_change"],
                client_pseudonym=data["client_pseudonym"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error("files", f"Nothing was saved: {validation_message(exc)}.")
        else:
            messages.success(
                request,
                f"{len(created)} session(s) saved from their recordings, ready to code from "
                "the audio.",
            )
            if len(created) == 1:
                return redirect("transcripts:detail", created[0].pk)
            return redirect("transcripts:list")
    return render(
        request,
        "transcripts/upload_recordings.html",
        {"form": form, "agency": agency, "max_files": settings.MI_UPLOAD_MAX_FILES},
    )


# The preview of a file attached to a session keeps the session's id under this key.
ATTACH_TO = "attach_to"


@require_POST
def transcript_attach_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The transcript of a session coded until now from its recording: checked, then shown
    for its speakers' roles before anything is stored."""
    transcript = managed_transcript(request, pk)
    detail = f"{reverse('transcripts:detail', args=[transcript.pk])}#attach"
    if not transcript.is_audio_only:
        messages.error(request, "This session has a transcript already.")
        return redirect(detail)
    form = AttachTranscriptForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, f"Nothing was attached: {' '.join(errors)}")
        return redirect(detail)
    token = preview_save(
        request,
        agency_id=transcript.agency_id,
        uploads=[form.cleaned_data["file"]],
        initial={ATTACH_TO: transcript.pk, "practitioner": transcript.practitioner_id},
    )
    return redirect("transcripts:preview", token=token)


def _preview_agency(request: HttpRequest, preview: Preview) -> Agency:
    agency = get_object_or_404_in(agencies_for(request.user), preview.agency_id)
    require(request.user, agency.pk, Cap.MANAGE_TRANSCRIPTS)
    return agency


def _document_forms(
    request: HttpRequest,
    agency: Agency,
    preview: Preview,
    documents: list[PreviewDocument],
    *,
    details: bool,
) -> list[DocumentForm]:
    bound = request.method == "POST"
    return [
        DocumentForm(
            request.POST if bound else None,
            prefix=f"doc{document.index}",
            agency=agency,
            guesses=document.guesses,
            details=details,
            initial={**preview.initial, "title": default_title(document.parsed.filename)},
        )
        for document in documents
    ]


def _attach_confirmed(
    request: HttpRequest,
    token: str,
    session: Transcript,
    document: PreviewDocument,
    form: DocumentForm,
) -> HttpResponse | None:
    """Store the attached transcript; the session's page on success, None to show the
    preview again with the error."""
    try:
        attached = transcript_attach(
            transcript=session,
            parsed=document.parsed,
            speaker_roles=form.speaker_roles(),
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, f"Nothing was attached: {validation_message(exc)}.")
        return None
    preview_discard(request, token)
    count = attached.utterances.count()
    messages.success(
        request,
        f"Attached the transcript to “{attached.label}”: {count} utterances. Codings made "
        "from the recording keep their volleys.",
    )
    return redirect("transcripts:detail", pk=attached.pk)


def transcript_preview(request: HttpRequest, token: str) -> HttpResponse:
    """Show what the upload will store and let the person correct it; store on confirmation."""
    try:
        preview = preview_load(request, token)
    except PreviewGone:
        messages.error(request, PREVIEW_GONE)
        return redirect("transcripts:upload")
    agency = _preview_agency(request, preview)
    session = None
    if preview.initial.get(ATTACH_TO) is not None:
        session = managed_transcript(request, preview.initial[ATTACH_TO])
    practitioner = Practitioner.objects.filter(
        agency=agency, pk=preview.initial.get("practitioner")
    ).first()
    try:
        documents = preview_documents(
            preview, practitioner.display_name if practitioner is not None else ""
        )
    except ParseError as exc:
        preview_discard(request, token)
        messages.error(request, str(exc))
        return redirect("transcripts:upload")
    forms = _document_forms(request, agency, preview, documents, details=session is None)
    valid = [form.is_valid() for form in forms]
    if request.method == "POST" and not all(valid):
        messages.error(request, "Some details need attention; see the marked fields below.")
    if request.method == "POST" and all(valid) and session is not None:
        done = _attach_confirmed(request, token, session, documents[0], forms[0])
        if done is not None:
            return done
    elif request.method == "POST" and all(valid):
        drafts = [
            TranscriptDraft(
                parsed=document.parsed,
                practitioner=form.cleaned_data["practitioner"],
                speaker_roles=form.speaker_roles(),
                title=form.cleaned_data["title"],
                session_date=form.cleaned_data["session_date"],
                target_change=form.cleaned_data["target_change"],
                client_pseudonym=form.cleaned_data["client_pseudonym"],
            )
            for document, form in zip(documents, forms, strict=True)
        ]
        try:
            created = transcripts_import(agency=agency, drafts=drafts, actor=request.user)
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        else:
            preview_discard(request, token)
            if len(created) == 1:
                count = created[0].utterances.count()
                messages.success(request, f"Saved “{created[0].label}” with {count} utterances.")
                return redirect("transcripts:detail", pk=created[0].pk)
            messages.success(request, f"Saved {len(created)} transcripts.")
            return redirect("transcripts:list")
    columns_forms = {
        document.index: ColumnsForm(
            prefix=f"columns{document.index}",
            columns=document.parsed.columns,
            form_id=f"columns{document.index}",
            initial=ColumnsForm.initial_for(document.parsed.layout),
        )
        for document in documents
        if document.parsed.layout is not None
    }
    return render(
        request,
        "transcripts/preview.html",
        {
            "agency": agency,
            "token": token,
            "session": session,
            "items": [
                (document, form, columns_forms.get(document.index))
                for document, form in zip(documents, forms, strict=True)
            ],
        },
    )


@require_POST
def transcript_preview_columns(request: HttpRequest, token: str, index: int) -> HttpResponse:
    """Read one table again with other columns for speaker, text and times."""
    try:
        preview = preview_load(request, token)
    except PreviewGone:
        messages.error(request, PREVIEW_GONE)
        return redirect("transcripts:upload")
    _preview_agency(request, preview)
    target = f"{reverse('transcripts:preview', args=[token])}#doc{index}"
    try:
        sources = sources_of(preview.uploads)
        source = sources[index]
        parsed = parse_source(source, preview.layouts.get(index))
    except (ParseError, IndexError):
        messages.error(request, "That file cannot be read again; upload it again.")
        return redirect(target)
    form = ColumnsForm(request.POST, prefix=f"columns{index}", columns=parsed.columns)
    if not form.is_valid():
        messages.error(
            request,
            f"{source.name}: {' '.join(form.non_field_errors()) or 'choose the columns again.'}",
        )
        return redirect(target)
    try:
        parse_source(source, form.layout())
    except ParseError as exc:
        messages.error(request, str(exc))
    else:
        preview_layout_set(request, token, index, form.layout())
        messages.info(request, f"{source.name} was read again with the columns you chose.")
    return redirect(target)
