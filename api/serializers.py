"""What the API takes (bodies and query parameters, validated here) and gives (documented here
for the OpenAPI schema; the bodies themselves are built in api/selectors.py).

Serializers validate and normalise; they never persist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from api.fields import Flag, Integer, Number, Text
from api.pagination import PageParams
from coding.models import CodedFrom, CodingKind, CodingStatus
from mi_coding.ids import MAX_ID
from transcripts.models import SpeakerRole
from transcripts.parsers.base import SPEAKER_LABEL_MAX
from workflow.selectors.transcripts import CodingProgress


def SchemeField(**kwargs: Any) -> Text:  # noqa: N802 - a field, read as one
    # Not a SlugField: shipped scheme slugs hold dots (miti-4.2.1).
    return Text(max_length=64, **kwargs)


def IdField(**kwargs: Any) -> Integer:  # noqa: N802 - a field, read as one
    return Integer(min_value=1, max_value=MAX_ID, **kwargs)


# ---------------------------------------------------------------- query parameters


class DateRangeParams(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text="Sessions on or after this date (YYYY-MM-DD)."
    )
    date_to = serializers.DateField(
        required=False, help_text="Sessions on or before this date (YYYY-MM-DD)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": ["The end date comes before the start."]})
        return attrs


class PeopleParams(serializers.Serializer):
    practitioner = IdField(required=False, help_text="Only this practitioner's sessions (id).")
    team = IdField(required=False, help_text="Only sessions of this team's practitioners (id).")


class TranscriptListParams(PageParams, DateRangeParams, PeopleParams):
    status = serializers.ChoiceField(
        choices=CodingProgress.choices,
        required=False,
        help_text="How far coding has come, as far as this token may see.",
    )
    q = Text(required=False, max_length=200, help_text="Words in the title, details or text.")


class CodingListParams(PageParams, DateRangeParams, PeopleParams):
    transcript = IdField(required=False, help_text="Only codings of this transcript (id).")
    scheme = SchemeField(required=False, help_text="Only codings with this scheme.")
    status = serializers.ChoiceField(choices=CodingStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=CodingKind.choices, required=False)
    coder = Text(required=False, max_length=150, help_text="Coder's username.")


SCOPES = [("agency", "The whole agency"), ("mine", "My own codings and sessions")]


class ScoreParams(PageParams, DateRangeParams, PeopleParams):
    scheme = SchemeField(
        required=False,
        help_text="Only codings with this scheme (its columns only); without it, the columns "
        "are the union over the schemes used.",
    )
    scope = serializers.ChoiceField(
        choices=SCOPES,
        required=False,
        help_text="`agency` needs the export capability (admins, supervisors, researchers); "
        "the default is `agency` where the role has it, else `mine`.",
    )


class CodeParams(ScoreParams):
    include_text = Flag(
        required=False,
        default=False,
        help_text="Add each utterance's text (the most sensitive part of a session).",
    )


class ReliabilityParams(DateRangeParams, PeopleParams):
    scheme = SchemeField(help_text="The scheme whose codings are compared.")
    coder = serializers.ListField(
        child=Text(max_length=150),
        required=False,
        max_length=50,
        help_text="Only these coders (usernames; repeat the parameter).",
    )
    transcript = serializers.ListField(
        child=IdField(),
        required=False,
        max_length=1000,
        help_text="Only these transcripts (ids; repeat the parameter).",
    )
    reliability_set = IdField(
        required=False, help_text="A saved set of transcripts, such as a random sample (id)."
    )
    include_consensus = Flag(
        required=False,
        default=False,
        help_text="Count consensus codings as a rater of their own, named (consensus).",
    )


class FidelityParams(DateRangeParams):
    scheme = SchemeField(required=False, help_text="Default: the scheme the agency uses most.")
    team = IdField(required=False, help_text="Only this team's practitioners (id).")
    sort = Text(
        required=False,
        max_length=100,
        help_text="`name`, `team`, `sessions`, `latest_date` or `<score slug>.<latest|mean|fair|"
        "good|trend>`; default `name`.",
    )
    descending = Flag(required=False, default=False)


class DashboardParams(serializers.Serializer):
    scheme = SchemeField(
        required=False, help_text="Default: the scheme most of the practitioner's sessions use."
    )


# ---------------------------------------------------------------- bodies


class UtteranceIn(serializers.Serializer):
    speaker = Text(max_length=SPEAKER_LABEL_MAX)
    text = Text(allow_blank=True, trim_whitespace=False, max_length=100_000)
    start = Number(
        required=False, allow_null=True, min_value=0, help_text="Seconds from the start."
    )
    end = Number(required=False, allow_null=True, min_value=0)


class SpeakerChoice(serializers.Serializer):
    """Which speaker labels are the practitioner and the client; other labels are guessed as
    on the upload page (from their names, then from who asks the questions)."""

    practitioner_speakers = serializers.ListField(
        child=Text(max_length=SPEAKER_LABEL_MAX), required=False, max_length=50
    )
    client_speakers = serializers.ListField(
        child=Text(max_length=SPEAKER_LABEL_MAX), required=False, max_length=50
    )


class SessionDetailsIn(serializers.Serializer):
    practitioner = IdField(help_text="The practitioner whose session this is (id).")
    session_date = serializers.DateField(required=False, allow_null=True)
    target_change = Text(required=False, allow_blank=True, max_length=200)
    client_pseudonym = Text(
        required=False, allow_blank=True, max_length=100, help_text="Never the client's name."
    )


class TranscriptIn(SessionDetailsIn, SpeakerChoice):
    title = Text(max_length=200, help_text="Shown on its pages and exports.")
    utterances = UtteranceIn(many=True, allow_empty=False, max_length=20_000)


class TranscriptFileIn(SessionDetailsIn, SpeakerChoice):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="A transcript file (.txt, .csv, .tsv, .docx, .vtt, .srt, .json) or a .zip of "
        f"them; at most {settings.MI_TRANSCRIPT_MAX_BYTES} bytes.",
    )
    title = Text(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Default: the file's name. Ignored for a zip, whose files keep their names.",
    )


class AudioIn(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=f"mp3, m4a, wav, ogg or webm; at most {settings.MI_AUDIO_MAX_BYTES} bytes.",
    )


class RecordingsIn(SessionDetailsIn):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="A recording (mp3, m4a, wav, ogg or webm; at most "
        f"{settings.MI_AUDIO_MAX_BYTES} bytes) or a .zip of them; each recording becomes one "
        "session.",
    )


class AttachTranscriptIn(SpeakerChoice):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="One transcript file (.txt, .csv, .tsv, .docx, .vtt, .srt, .json); at most "
        f"{settings.MI_TRANSCRIPT_MAX_BYTES} bytes.",
    )


# ---------------------------------------------------------------- responses (documentation)


class Named(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TranscriptOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="Its title, or its label when it has none.")
    practitioner = Named()
    team = Named(allow_null=True)
    session_date = serializers.DateField(allow_null=True)
    target_change = serializers.CharField()
    client_pseudonym = serializers.CharField()
    source_filename = serializers.CharField()
    source_format = serializers.CharField(
        help_text="The transcript's file format; `audio` for a session known by its recording "
        "alone, coded in volleys."
    )
    has_audio = serializers.BooleanField()
    audio_seconds = serializers.FloatField(
        allow_null=True, help_text="The recording's length, for a session stored from it."
    )
    utterance_count = serializers.IntegerField()
    coding_status = serializers.ChoiceField(choices=CodingProgress.choices)
    created_at = serializers.DateTimeField()


class UtteranceOut(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    speaker = serializers.CharField()
    role = serializers.ChoiceField(choices=SpeakerRole.choices)
    text = serializers.CharField()
    start = serializers.FloatField(allow_null=True)
    end = serializers.FloatField(allow_null=True)


class TranscriptDetailOut(TranscriptOut):
    segment_start = serializers.FloatField(allow_null=True)
    segment_end = serializers.FloatField(allow_null=True)
    utterances = UtteranceOut(many=True)


class TranscriptPage(serializers.Serializer):
    results = TranscriptOut(many=True)
    next = serializers.URLField(allow_null=True)


class ImportedTranscript(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    utterances = serializers.IntegerField()
    practitioner_utterances = serializers.IntegerField()
    client_utterances = serializers.IntegerField()


class ImportedTranscripts(serializers.Serializer):
    transcripts = ImportedTranscript(many=True)


class RecordedSessions(serializers.Serializer):
    transcripts = TranscriptOut(many=True)


class CodingOut(serializers.Serializer):
    id = serializers.IntegerField()
    transcript = Named(help_text="The transcript: its id and title.")
    practitioner = Named()
    session_date = serializers.DateField(allow_null=True)
    scheme = serializers.CharField()
    coder = serializers.CharField()
    kind = serializers.ChoiceField(choices=CodingKind.choices)
    status = serializers.ChoiceField(choices=CodingStatus.choices)
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    coded_from = serializers.ChoiceField(
        choices=CodedFrom.choices,
        help_text="transcript: the units are the transcript's utterances; audio: volleys the "
        "coder marked on the recording.",
    )


class CodingPage(serializers.Serializer):
    results = CodingOut(many=True)
    next = serializers.URLField(allow_null=True)


class CodeOut(serializers.Serializer):
    utterance = serializers.IntegerField(
        allow_null=True, help_text="The utterance's id; null for a code on a volley."
    )
    position = serializers.IntegerField(allow_null=True)
    volley_ms = serializers.IntegerField(
        allow_null=True,
        help_text="In a coding made from audio: when the coded volley starts, in ms.",
    )
    dimension = serializers.CharField()
    code = serializers.CharField()


class NoteOut(serializers.Serializer):
    utterance = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField(allow_null=True)
    volley_ms = serializers.IntegerField(
        allow_null=True, help_text="In a coding made from audio: the noted volley's start."
    )
    text = serializers.CharField()
    for_feedback = serializers.BooleanField(
        help_text="Marked by its coder for the practitioner's feedback; a practitioner's "
        "token sees only these."
    )


class CodingDetailOut(CodingOut):
    notes = serializers.CharField()
    codes = CodeOut(many=True)
    utterance_notes = NoteOut(many=True)
    globals = serializers.DictField(child=serializers.IntegerField())
    counts = serializers.DictField(child=serializers.IntegerField())
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True))


class TableRow(serializers.DictField):
    """A row of one of the command-line exports: named columns, values as the export has them."""

    child = serializers.JSONField(allow_null=True)


class TablePage(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    results = serializers.ListField(child=TableRow())
    next = serializers.URLField(allow_null=True)


class ExportRowOut(serializers.Serializer):
    """The columns every row of an export has; the code, global and score columns follow."""

    transcript_id = serializers.IntegerField()
    transcript = serializers.CharField()
    coder = serializers.CharField()
    scheme = serializers.CharField()
    kind = serializers.CharField(help_text="The coding's kind: primary, double, consensus or gold.")
    score_of_record = serializers.BooleanField(
        help_text="Whether the coding is its session's score of record (its consensus coding, "
        "else its gold standard, else its primary coding), among the codings the token may see."
    )


class ScoreExportRowOut(ExportRowOut):
    practitioner = serializers.CharField()
    session_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class CodeExportRowOut(ExportRowOut):
    coding_id = serializers.IntegerField()
    utterance = serializers.IntegerField()
    speaker_role = serializers.CharField()
    dimension = serializers.CharField()
    code = serializers.CharField()


class ScoresPage(TablePage):
    results = ScoreExportRowOut(many=True)


class CodesPage(TablePage):
    results = CodeExportRowOut(many=True)


class FidelityOut(serializers.Serializer):
    scheme = serializers.CharField()
    filters = serializers.DictField(child=serializers.CharField(allow_null=True))
    columns = serializers.ListField(child=serializers.CharField())
    results = serializers.ListField(child=TableRow())


class PractitionerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    team = Named(allow_null=True)
    active = serializers.BooleanField()


class PractitionerPage(serializers.Serializer):
    results = PractitionerOut(many=True)
    next = serializers.URLField(allow_null=True)


class ScoreSummaryOut(serializers.Serializer):
    latest = serializers.FloatField(allow_null=True)
    latest_band = serializers.CharField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    share_fair = serializers.FloatField(allow_null=True)
    share_good = serializers.FloatField(allow_null=True)
    slope = serializers.FloatField(allow_null=True)
    trend = serializers.CharField(allow_null=True)


class ScoreDefinitionOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    fair = serializers.FloatField(allow_null=True)
    good = serializers.FloatField(allow_null=True)
    percent = serializers.BooleanField()
    summary = ScoreSummaryOut()


class SessionOut(serializers.Serializer):
    coding = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CodingKind.choices)
    transcript = Named()
    session_date = serializers.DateField(allow_null=True)
    coder = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    globals = serializers.DictField(child=serializers.IntegerField())
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True))
    bands = serializers.DictField(child=serializers.CharField(allow_null=True))


class CodeRowOut(serializers.Serializer):
    code = serializers.CharField()
    latest = serializers.IntegerField()
    mean = serializers.FloatField()
    total = serializers.IntegerField()


class GlobalRowOut(serializers.Serializer):
    scale = serializers.CharField()
    latest = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)


class DashboardOut(serializers.Serializer):
    practitioner = PractitionerOut()
    scheme = serializers.CharField(allow_null=True)
    schemes = serializers.DictField(
        child=serializers.IntegerField(), help_text="Schemes with sessions, and how many."
    )
    scores = ScoreDefinitionOut(many=True)
    sessions = SessionOut(many=True)
    codes = CodeRowOut(many=True)
    globals = GlobalRowOut(many=True)


class PairOut(serializers.Serializer):
    coders = serializers.ListField(child=serializers.CharField())
    units = serializers.IntegerField()
    cohen_kappa = serializers.FloatField(allow_null=True)
    percent_agreement = serializers.FloatField(allow_null=True)
    note = serializers.CharField(allow_null=True)


class PerCodeOut(serializers.Serializer):
    cohen_kappa = serializers.FloatField(allow_null=True)
    krippendorff_alpha = serializers.FloatField(allow_null=True)
    prevalence = serializers.FloatField(allow_null=True)
    note = serializers.CharField(allow_null=True)


class DimensionReliabilityOut(serializers.Serializer):
    units = serializers.IntegerField()
    coders = serializers.IntegerField()
    percent_agreement = serializers.FloatField(allow_null=True)
    cohen_kappa = serializers.FloatField(allow_null=True)
    fleiss_kappa = serializers.FloatField(allow_null=True)
    krippendorff_alpha = serializers.FloatField(allow_null=True)
    pairs = PairOut(many=True)
    per_code = serializers.DictField(child=PerCodeOut())
    note = serializers.CharField(allow_null=True)


class SessionReliabilityOut(serializers.Serializer):
    transcripts = serializers.IntegerField()
    icc = serializers.DictField(child=serializers.FloatField(allow_null=True))
    ci95 = serializers.DictField(
        child=serializers.ListField(child=serializers.FloatField(allow_null=True), allow_null=True)
    )
    band = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_null=True)
    krippendorff_alpha = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        required=False,
        help_text="Globals only: ordinal and interval alpha.",
    )


class ReliabilityOut(serializers.Serializer):
    """Exactly the JSON of `manage.py reliability`."""

    scheme = serializers.CharField()
    transcripts = serializers.IntegerField()
    coders = serializers.ListField(child=serializers.CharField())
    utterance_level = serializers.DictField(child=DimensionReliabilityOut())
    session_level = serializers.DictField(child=SessionReliabilityOut())


class SchemeOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    codes = serializers.ListField(child=serializers.CharField())
    globals = serializers.ListField(child=serializers.CharField())
    summary_scores = serializers.ListField(child=serializers.CharField())


class SchemeList(serializers.Serializer):
    results = SchemeOut(many=True)


class MeOut(serializers.Serializer):
    username = serializers.CharField()
    agency = serializers.DictField(child=serializers.CharField())
    role = serializers.CharField()
    scope = serializers.CharField()
    token = serializers.CharField(help_text="The token's visible prefix.")
    expires_at = serializers.DateTimeField()


class FieldError(serializers.Serializer):
    field = serializers.CharField(
        help_text="Where: a field or parameter, as a path; empty for all."
    )
    detail = serializers.CharField()


class Problem(serializers.Serializer):
    """An error, as RFC 9457 describes (application/problem+json)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = FieldError(many=True, required=False)
    retry_after = serializers.IntegerField(required=False)
