from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from accounts.models import Agency, Practitioner, Team
from mi_coding.ids import IdField
from transcripts.filetypes import AUDIO_EXTENSIONS
from transcripts.models import SpeakerRole, Transcript
from transcripts.parsers import (
    EXTENSIONS,
    ParseError,
    Source,
    TableLayout,
    parse_source,
    read_sources,
)
from transcripts.parsers.archive import megabytes
from transcripts.parsers.base import ParsedTranscript
from transcripts.parsers.timecodes import format_clock, time_seconds
from transcripts.speakers import SpeakerGuess
from workflow.selectors.transcripts import CodingProgress, TranscriptFilters

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that accepts several files at once; cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class SessionDetailsForm(forms.Form):
    """What is known about a session, asked when uploading and in the preview."""

    practitioner = forms.ModelChoiceField(queryset=Practitioner.objects.none())
    session_date = forms.DateField(required=False, widget=DATE_INPUT)
    target_change = forms.CharField(
        max_length=200, required=False, help_text="The behaviour change the session is about."
    )
    client_pseudonym = forms.CharField(
        max_length=100, required=False, help_text="Never the client's real name."
    )

    def limit_practitioners(self, agency: Agency) -> None:
        self.fields["practitioner"].queryset = Practitioner.objects.filter(agency=agency).order_by(
            "-active", "display_name"
        )


def too_many_files_message(count: int) -> str:
    return (
        f"This upload holds {count} transcript files; upload at most "
        f"{settings.MI_UPLOAD_MAX_FILES} at once (a zip counts each file in it)."
    )


def transcript_source(upload: UploadedFile) -> Source:
    """The uploaded transcript file's name and bytes, once its size is within the limit."""
    limit = settings.MI_TRANSCRIPT_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            f"{upload.name}: the file is larger than the {megabytes(limit)} allowed"
        )
    return Source(name=upload.name, data=upload.read())


class UploadForm(SessionDetailsForm):
    """Files to parse and the session's details; cleaning parses every file."""

    files = MultipleFileField(
        label="Transcript files",
        allow_empty_file=True,  # the parsers name the empty file in their message
        help_text=f"One file, several, or a zip of them: {', '.join(f'.{e}' for e in EXTENSIONS)}.",
    )
    field_order = ["files", "practitioner", "session_date", "target_change", "client_pseudonym"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_practitioners(agency)
        self.fields["files"].widget.attrs["accept"] = ",".join(f".{e}" for e in EXTENSIONS)

    def clean_files(self) -> list[Source]:
        files = self.cleaned_data["files"]
        if len(files) > settings.MI_UPLOAD_MAX_FILES:
            raise forms.ValidationError(too_many_files_message(len(files)))
        total_limit = settings.MI_UPLOAD_MAX_TOTAL_BYTES
        if sum(upload.size for upload in files) > total_limit:
            raise forms.ValidationError(
                f"These files come to more than the {megabytes(total_limit)} one upload may "
                "hold; upload them in smaller batches."
            )
        return [transcript_source(upload) for upload in files]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        errors = []
        sources = []
        for upload in cleaned.get("files") or []:
            try:
                sources.extend(read_sources(upload.name, upload.data))
            except ParseError as exc:
                errors.append(str(exc))
        if len(sources) > settings.MI_UPLOAD_MAX_FILES:
            errors.insert(0, too_many_files_message(len(sources)))
        else:
            for source in sources:
                try:
                    parse_source(source)
                except ParseError as exc:
                    errors.append(str(exc))
        if errors:
            self.add_error("files", errors)
        return cleaned

    def initial_for_preview(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "practitioner": data["practitioner"].pk,
            "session_date": data["session_date"].isoformat() if data["session_date"] else "",
            "target_change": data["target_change"],
            "client_pseudonym": data["client_pseudonym"],
        }


class DocumentForm(SessionDetailsForm):
    """One parsed file in the preview: its details and a role for each speaker label. A file
    attached to a session that exists asks only for the roles (``details=False``)."""

    title = forms.CharField(max_length=200, required=False)
    field_order = ["title", "practitioner", "session_date", "target_change", "client_pseudonym"]

    def __init__(
        self,
        *args: Any,
        agency: Agency,
        guesses: list[SpeakerGuess],
        details: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.limit_practitioners(agency)
        if not details:
            for name in self.field_order:
                del self.fields[name]
        self.guesses = guesses
        for number, guess in enumerate(guesses):
            self.fields[f"role_{number}"] = forms.ChoiceField(
                label=guess.label,
                choices=SpeakerRole.choices,
                initial=guess.role,
                widget=forms.Select(attrs={"data-speaker-index": number}),
            )

    def role_fields(self) -> list[tuple[forms.BoundField, SpeakerGuess]]:
        return [(self[f"role_{number}"], guess) for number, guess in enumerate(self.guesses)]

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.field_order if name in self.fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        roles = [cleaned.get(f"role_{number}") for number in range(len(self.guesses))]
        if all(roles) and SpeakerRole.PRACTITIONER not in roles:
            raise forms.ValidationError("Choose which speaker is the practitioner.")
        return cleaned

    def speaker_roles(self) -> dict[str, str]:
        return {
            guess.label: self.cleaned_data[f"role_{number}"]
            for number, guess in enumerate(self.guesses)
        }


_SINGLE_FILE = [extension for extension in EXTENSIONS if extension != "zip"]


class AttachTranscriptForm(forms.Form):
    """The transcript of a session known until now by its recording alone. Once valid,
    ``cleaned_data["file"]`` is the upload as it came and ``parsed`` its one transcript."""

    parsed: ParsedTranscript

    file = forms.FileField(
        label="Transcript file",
        allow_empty_file=True,  # the parsers name the empty file in their message
        help_text=f"One file: {', '.join(f'.{e}' for e in _SINGLE_FILE)}.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in _SINGLE_FILE)

    def clean_file(self) -> Source:
        source = transcript_source(self.cleaned_data["file"])
        try:
            sources = read_sources(source.name, source.data)
            if len(sources) != 1:
                raise forms.ValidationError(
                    f"{source.name} holds {len(sources)} transcript files; attach one file."
                )
            self.parsed = parse_source(sources[0])
        except ParseError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return source


class ColumnsForm(forms.Form):
    """Which table columns hold the speaker, the text and the times."""

    header = forms.BooleanField(required=False, label="The first row names the columns")
    speaker = forms.TypedChoiceField(coerce=int, label="Speaker column")
    text = forms.TypedChoiceField(coerce=int, label="Text column")
    start = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Start")
    end = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="End")

    def __init__(self, *args: Any, columns: list[str], form_id: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if form_id:  # the inputs sit inside another form on the page
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id
        choices = list(enumerate(columns))
        self.fields["speaker"].choices = choices
        self.fields["text"].choices = choices
        self.fields["start"].choices = [("", "none"), *choices]
        self.fields["end"].choices = [("", "none"), *choices]

    @staticmethod
    def initial_for(layout: TableLayout) -> dict[str, Any]:
        return {
            "header": layout.header,
            "speaker": layout.speaker,
            "text": layout.text,
            "start": "" if layout.start is None else layout.start,
            "end": "" if layout.end is None else layout.end,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in ("speaker", "text", "start", "end")]
        used = [value for value in chosen if value is not None]
        if len(used) != len(set(used)):
            raise forms.ValidationError("Choose a different column for each.")
        return cleaned

    def layout(self) -> TableLayout:
        data = self.cleaned_data
        return TableLayout(
            header=data["header"],
            speaker=data["speaker"],
            text=data["text"],
            start=data["start"],
            end=data["end"],
        )


class TranscriptForm(SessionDetailsForm):
    title = forms.CharField(max_length=200, required=False)
    field_order = ["title", "practitioner", "session_date", "target_change", "client_pseudonym"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_practitioners(agency)

    @staticmethod
    def initial_for(transcript: Transcript) -> dict[str, Any]:
        return {
            "title": transcript.title,
            "practitioner": transcript.practitioner_id,
            "session_date": transcript.session_date,
            "target_change": transcript.target_change,
            "client_pseudonym": transcript.client_pseudonym,
        }


class SpeakerRolesForm(forms.Form):
    def __init__(self, *args: Any, speakers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels = [speaker.label for speaker in speakers]
        for number, speaker in enumerate(speakers):
            self.fields[f"role_{number}"] = forms.ChoiceField(
                label=speaker.label, choices=SpeakerRole.choices, initial=speaker.role
            )

    def roles(self) -> dict[str, str]:
        return {
            label: self.cleaned_data[f"role_{number}"] for number, label in enumerate(self.labels)
        }


class UtteranceTextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Text")


class UtteranceSplitForm(forms.Form):
    at = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, label="Split before the sentence"
    )

    def __init__(self, *args: Any, text: str, boundaries: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["at"].choices = [(offset, _excerpt(text[offset:])) for offset in boundaries]


def _excerpt(text: str, length: int = 80) -> str:
    return text if len(text) <= length else f"{text[:length].rstrip()}…"


class TimeField(forms.CharField):
    """A time in the session: ``h:mm:ss``, ``mm:ss`` or seconds; cleans to seconds."""

    def to_python(self, value: Any) -> float | None:
        value = super().to_python(value)
        if not value:
            return None
        seconds = time_seconds(value)
        if seconds is None:
            raise forms.ValidationError("Write a time as h:mm:ss, mm:ss or seconds.")
        return seconds

    def prepare_value(self, value: Any) -> Any:
        return format_clock(value) if isinstance(value, int | float) else value


class SegmentForm(forms.Form):
    segment_start = TimeField(required=False, label="Coded segment starts at")
    segment_end = TimeField(required=False, label="and ends at")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("segment_start"), cleaned.get("segment_end")
        if start is not None and end is not None and end <= start:
            raise forms.ValidationError("The segment must end after it starts.")
        return cleaned


class AudioForm(forms.Form):
    audio = forms.FileField(
        label="Audio file",
        allow_empty_file=True,  # audio_check names the empty file in its message
        help_text=f"{', '.join(f'.{e}' for e in AUDIO_EXTENSIONS)}, "
        f"up to {megabytes(settings.MI_AUDIO_MAX_BYTES)}.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in AUDIO_EXTENSIONS)}
        ),
    )


class RecordingsUploadForm(SessionDetailsForm):
    """Recordings to store as sessions without a transcript, coded from the audio."""

    files = MultipleFileField(
        label="Recordings",
        allow_empty_file=True,  # audio_check names the empty file in its message
        help_text=f"One recording, several, or a zip of them: "
        f"{', '.join(f'.{e}' for e in AUDIO_EXTENSIONS)}, each up to "
        f"{megabytes(settings.MI_AUDIO_MAX_BYTES)}. Each recording becomes one session.",
        widget=MultipleFileInput(
            attrs={"accept": ",".join(f".{e}" for e in (*AUDIO_EXTENSIONS, "zip"))}
        ),
    )
    field_order = ["files", "practitioner", "session_date", "target_change", "client_pseudonym"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_practitioners(agency)

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        if len(files) > settings.MI_UPLOAD_MAX_FILES:
            raise forms.ValidationError(
                f"Upload at most {settings.MI_UPLOAD_MAX_FILES} recordings at once."
            )
        return files


class DeleteSubmittedForm(forms.Form):
    """The second confirmation before codings that were submitted are lost."""

    understood = forms.BooleanField(
        label="I understand that the submitted codings and their scores are deleted for good."
    )
    transcript_id = IdField(label="Type the transcript's number to confirm")

    def __init__(self, *args: Any, transcript: Transcript, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transcript = transcript
        self.fields["transcript_id"].help_text = f"It is {transcript.pk}."

    def clean_transcript_id(self) -> int:
        value = self.cleaned_data["transcript_id"]
        if value != self.transcript.pk:
            raise forms.ValidationError("That is not this transcript's number.")
        return value


class TranscriptFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    practitioner = forms.ModelChoiceField(queryset=Practitioner.objects.none(), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    date_from = forms.DateField(required=False, widget=DATE_INPUT, label="From")
    date_to = forms.DateField(required=False, widget=DATE_INPUT, label="To")
    status = forms.ChoiceField(
        choices=[("", "Any status"), *CodingProgress.choices], required=False, label="Coding"
    )

    def __init__(self, *args: Any, practitioners: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = practitioners
        self.fields["team"].queryset = teams
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["status"].widget.attrs["class"] = "form-select"

    def filters(self) -> TranscriptFilters:
        if not self.is_valid():
            return TranscriptFilters()
        data = self.cleaned_data
        return TranscriptFilters(
            query=data["q"].strip(),
            practitioner=data["practitioner"],
            team=data["team"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            status=data["status"],
        )
