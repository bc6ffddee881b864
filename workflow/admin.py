from django.contrib import admin

from workflow.models import (
    AdjudicationDecision,
    Assignment,
    CalibrationAttempt,
    CalibrationCoding,
    CalibrationRetake,
    GoldStandard,
    ReliabilitySet,
    TrainingItem,
    TrainingSet,
)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["transcript", "coder", "scheme", "kind", "due_date", "agency"]
    list_filter = ["agency", "kind"]
    raw_id_fields = ["transcript", "coder", "coding", "assigned_by"]


@admin.register(ReliabilitySet)
class ReliabilitySetAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "scheme", "seed", "percent", "created_at"]
    list_filter = ["agency"]
    filter_horizontal = ["transcripts"]


@admin.register(GoldStandard)
class GoldStandardAdmin(admin.ModelAdmin):
    list_display = ["coding", "previous_kind", "marked_by", "marked_at"]
    raw_id_fields = ["coding", "marked_by"]


class TrainingItemInline(admin.TabularInline):
    model = TrainingItem
    raw_id_fields = ["transcript", "gold"]
    extra = 0


@admin.register(TrainingSet)
class TrainingSetAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "scheme", "created_at"]
    list_filter = ["agency"]
    inlines = [TrainingItemInline]


@admin.register(TrainingItem)
class TrainingItemAdmin(admin.ModelAdmin):
    list_display = ["training_set", "transcript", "gold"]
    raw_id_fields = ["transcript", "gold"]


@admin.register(CalibrationAttempt)
class CalibrationAttemptAdmin(admin.ModelAdmin):
    list_display = [
        "coder", "training_set", "started_at", "finished_at", "mean_kappa", "passed", "retake",
    ]  # fmt: skip
    list_filter = ["agency", "passed", "retake"]
    raw_id_fields = ["coder"]


@admin.register(CalibrationRetake)
class CalibrationRetakeAdmin(admin.ModelAdmin):
    list_display = ["coder", "training_set", "allowed_by", "allowed_at", "attempt"]
    list_filter = ["agency"]
    raw_id_fields = ["coder", "allowed_by", "attempt"]


@admin.register(CalibrationCoding)
class CalibrationCodingAdmin(admin.ModelAdmin):
    list_display = ["attempt", "coding", "gold"]
    raw_id_fields = ["attempt", "coding", "gold"]


@admin.register(AdjudicationDecision)
class AdjudicationDecisionAdmin(admin.ModelAdmin):
    list_display = ["consensus", "utterance", "scale", "source", "source_coding", "decided_by"]
    list_filter = ["source"]
    raw_id_fields = ["consensus", "utterance", "source_coding", "decided_by"]
