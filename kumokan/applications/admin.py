from django.contrib import admin

from kumokan.applications.models import (
    Application,
    ChecklistAnswer,
    Decision,
    FindingExplanation,
    JudgmentSnapshot,
)
from kumokan.audit.admin import ReadOnlyAdmin


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["service", "department", "applicant", "status", "version", "updated_at"]
    list_filter = ["municipality", "status"]
    search_fields = ["service__name", "service__provider__name", "applicant__username"]


@admin.register(JudgmentSnapshot)
class JudgmentSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["application", "track", "approver_title", "created_at"]
    list_filter = ["application__municipality", "track"]


@admin.register(ChecklistAnswer)
class ChecklistAnswerAdmin(ReadOnlyAdmin):
    list_display = ["application", "pack_id", "item_id", "answer", "answered_by", "answered_at"]
    list_filter = ["application__municipality", "answer"]


@admin.register(FindingExplanation)
class FindingExplanationAdmin(ReadOnlyAdmin):
    list_display = ["application", "pack_id", "code", "explained_by", "explained_at"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "decided_by", "approver_title", "self_approval", "decided_at"]
    list_filter = ["application__municipality", "outcome", "self_approval"]
