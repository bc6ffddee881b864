from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from accounts.models import Agency, Practitioner
from coding.models import CodingScheme
from coding.selectors import schemes_for
from exchange.importing.plan import ImportColumns, ImportOptions
from exchange.importing.tables import Table, TableError, file_size, read_table, size_limit_message
from mi_coding.tabular import CSV, FORMATS


def _split(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _read_upload(upload: UploadedFile) -> tuple[str, bytes, Table]:
    too_big = size_limit_message(upload.name, upload.size)
    if too_big:
        raise forms.ValidationError(too_big)
    data = upload.read()
    try:
        table = read_table(upload.name, data)
    except TableError as exc:
        raise forms.ValidationError(str(exc)) from exc
    return upload.name, data, table


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Coded data (CSV)",
        help_text="One row per transcript, utterance and coder, with a header row. Largest "
        f"file: {file_size(settings.MI_IMPORT_MAX_BYTES)}.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv"}),
    )
    globals_file = forms.FileField(
        label="Global ratings (CSV, optional)",
        required=False,
        help_text="Columns transcript, coder, scale, value; scale is the global's slug, such "
        "as empathy.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv"}),
    )

    def clean_file(self) -> tuple[str, bytes, Table]:
        return _read_upload(self.cleaned_data["file"])

    def clean_globals_file(self) -> tuple[str, bytes, Table] | None:
        upload = self.cleaned_data.get("globals_file")
        return _read_upload(upload) if upload else None


class ImportMappingForm(forms.Form):
    """Which column holds what, the scheme, and what to do with new transcripts."""

    scheme = forms.ModelChoiceField(queryset=CodingScheme.objects.none(), empty_label=None)
    transcript_column = forms.ChoiceField(
        help_text="Its value becomes the transcript's title; a title the agency already has "
        "attaches the codings to that transcript."
    )
    utterance_column = forms.ChoiceField(
        help_text="Numbers or identifiers; each distinct value is one utterance, in order."
    )
    speaker_column = forms.ChoiceField()
    text_column = forms.ChoiceField()
    coder_column = forms.ChoiceField(help_text="User names; new ones become coder accounts.")
    code_columns = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="One or more, e.g. practitioner codes and client codes. A cell may hold "
        "several codes separated by ';'.",
    )
    ignore_values = forms.CharField(
        required=False,
        label="Values meaning no code",
        help_text="Separated by commas, e.g. n/a, -. An empty cell always means no code.",
    )
    practitioner_speakers = forms.CharField(
        required=False,
        label="Practitioner speaker labels",
        help_text="Separated by commas; common labels such as Therapist or T are recognised.",
    )
    client_speakers = forms.CharField(
        required=False,
        label="Client speaker labels",
        help_text="Separated by commas; common labels such as Client or C are recognised.",
    )
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.none(),
        required=False,
        empty_label="— choose when the file has new transcripts —",
        help_text="Whose sessions the new transcripts are; needed when the file holds "
        "transcripts the agency does not have yet.",
    )
    replace = forms.BooleanField(
        required=False,
        label="Replace existing codings",
        help_text="A coder's existing coding of a transcript with this scheme is deleted and "
        "replaced by the imported one.",
    )

    SINGLE = ("transcript", "utterance", "speaker", "text", "coder")

    def __init__(
        self, *args: Any, table: Table, agency: Agency, may_replace: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not may_replace:
            # Replacing deletes a coder's coding: for those who supervise the coding only.
            del self.fields["replace"]
        choices = [(column, column) for column in table.columns]
        defaults = ImportColumns()
        for name in self.SINGLE:
            field = self.fields[f"{name}_column"]
            field.choices = [("", "— choose a column —"), *choices]
            self.initial.setdefault(f"{name}_column", table.column(getattr(defaults, name)) or "")
        self.fields["code_columns"].choices = choices
        singles = {self.initial[f"{name}_column"] for name in self.SINGLE}
        self.initial.setdefault(
            "code_columns",
            [c for c in table.columns if "code" in c.casefold() and c not in singles],
        )
        self.fields["scheme"].queryset = schemes_for(agency)
        self.initial.setdefault(
            "scheme", schemes_for(agency).filter(slug=settings.MI_DEFAULT_SCHEME).first()
        )
        self.fields["practitioner"].queryset = Practitioner.objects.filter(
            agency=agency, active=True
        ).order_by("display_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [data.get(f"{name}_column") for name in self.SINGLE]
        chosen = [column for column in chosen if column]
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError("Choose a different column for each role.")
        overlap = set(data.get("code_columns") or []) & set(chosen)
        if overlap:
            raise forms.ValidationError(
                f"Column {sorted(overlap)[0]!r} cannot hold codes and something else too."
            )
        return data

    def import_options(self, *, outside_users_join: bool) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            scheme=data["scheme"],
            columns=ImportColumns(
                transcript=data["transcript_column"],
                utterance=data["utterance_column"],
                speaker=data["speaker_column"],
                text=data["text_column"],
                coder=data["coder_column"],
                codes=tuple(data["code_columns"]),
            ),
            ignore_values=_split(data["ignore_values"]),
            practitioner_speakers=_split(data["practitioner_speakers"]),
            client_speakers=_split(data["client_speakers"]),
            practitioner=data["practitioner"],
            replace=data.get("replace", False),
            outside_users_join=outside_users_join,
        )


class ExportForm(forms.Form):
    scheme = forms.ModelChoiceField(
        queryset=CodingScheme.objects.none(), required=False, empty_label="Every scheme"
    )

    def __init__(self, *args: Any, schemes: QuerySet[CodingScheme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes

    def scheme_slug(self) -> str:
        scheme = self.cleaned_data["scheme"]
        return scheme.slug if scheme else ""


class ScoresExportForm(ExportForm):
    format = forms.ChoiceField(
        choices=[(fmt, fmt.upper()) for fmt in FORMATS], initial=CSV, label="Format"
    )


class CodesExportForm(ExportForm):
    include_text = forms.BooleanField(
        required=False,
        label="Include the utterance text",
        help_text="Session text is sensitive health data; leave this off unless the analysis "
        "needs it.",
    )
