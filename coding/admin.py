from django.contrib import admin

from coding.models import (
    Code,
    Coding,
    CodingScheme,
    Dimension,
    GlobalRating,
    GlobalScale,
    SummaryScore,
    ThresholdOverride,
    UtteranceCode,
    UtteranceNote,
    Volley,
)


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0


class GlobalScaleInline(admin.TabularInline):
    model = GlobalScale
    extra = 0


class SummaryScoreInline(admin.TabularInline):
    model = SummaryScore
    extra = 0


@admin.register(CodingScheme)
class CodingSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "version", "agency"]
    search_fields = ["name", "slug"]
    inlines = [DimensionInline, GlobalScaleInline, SummaryScoreInline]


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["scheme", "slug", "speaker", "multiple"]
    list_filter = ["scheme"]


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "name", "scheme", "dimension", "key", "group"]
    list_filter = ["scheme"]
    search_fields = ["abbreviation", "name"]


@admin.register(GlobalScale)
class GlobalScaleAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "scheme", "min_value", "max_value"]
    list_filter = ["scheme"]


@admin.register(SummaryScore)
class SummaryScoreAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "scheme", "type", "fair", "good"]
    list_filter = ["scheme"]


@admin.register(ThresholdOverride)
class ThresholdOverrideAdmin(admin.ModelAdmin):
    list_display = ["agency", "summary_score", "fair", "good"]
    list_filter = ["agency"]


class GlobalRatingInline(admin.TabularInline):
    model = GlobalRating
    extra = 0
    fields = ["scale", "value", "note"]
    readonly_fields = ["scale"]


@admin.register(Coding)
class CodingAdmin(admin.ModelAdmin):
    list_display = ["pk", "transcript", "scheme", "coder", "kind", "status", "updated_at"]
    list_filter = ["status", "kind", "scheme"]
    search_fields = ["coder__username", "transcript__title"]
    raw_id_fields = ["transcript", "coder"]
    inlines = [GlobalRatingInline]


@admin.register(UtteranceCode)
class UtteranceCodeAdmin(admin.ModelAdmin):
    list_display = ["coding", "utterance", "code"]
    raw_id_fields = ["coding", "utterance", "code", "dimension"]


@admin.register(Volley)
class VolleyAdmin(admin.ModelAdmin):
    list_display = ["coding", "start_ms", "end_ms", "speaker_role"]
    raw_id_fields = ["coding"]


@admin.register(UtteranceNote)
class UtteranceNoteAdmin(admin.ModelAdmin):
    list_display = ["coding", "utterance", "updated_at"]
    raw_id_fields = ["coding", "utterance"]


@admin.register(GlobalRating)
class GlobalRatingAdmin(admin.ModelAdmin):
    list_display = ["coding", "scale", "value"]
    raw_id_fields = ["coding", "scale"]
