from django.contrib import admin

from workflow.models import Assignment, ReliabilitySet


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
