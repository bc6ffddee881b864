from django.contrib import admin

from transcripts.models import Transcript, Utterance


class UtteranceInline(admin.TabularInline):
    model = Utterance
    extra = 0
    fields = ["position", "speaker_label", "speaker_role", "text", "start_seconds", "end_seconds"]


@admin.register(Transcript)
class TranscriptAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agency", "practitioner", "session_date", "source_format"]
    list_filter = ["agency", "source_format"]
    search_fields = ["title", "client_pseudonym", "target_change"]
    raw_id_fields = ["practitioner", "created_by"]
    inlines = [UtteranceInline]


@admin.register(Utterance)
class UtteranceAdmin(admin.ModelAdmin):
    list_display = ["transcript", "position", "speaker_label", "speaker_role"]
    list_filter = ["speaker_role"]
    search_fields = ["text"]
    raw_id_fields = ["transcript"]
