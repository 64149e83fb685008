from django.contrib import admin

from kumokan.audit.admin import ReadOnlyAdmin
from kumokan.procurement.models import AnnexAnswer, Procurement, ProcurementAnnex, SlaRequirement


@admin.register(Procurement)
class ProcurementAdmin(ReadOnlyAdmin):
    list_display = ["title", "municipality", "department", "survey_completed_at", "updated_at"]
    list_filter = ["municipality"]
    search_fields = ["title"]


@admin.register(SlaRequirement)
class SlaRequirementAdmin(ReadOnlyAdmin):
    list_display = ["procurement", "item_id", "requirement"]
    list_filter = ["procurement__municipality"]


@admin.register(ProcurementAnnex)
class ProcurementAnnexAdmin(ReadOnlyAdmin):
    list_display = ["procurement", "number", "status", "contractor_name", "issued_at"]
    list_filter = ["procurement__municipality", "status"]


@admin.register(AnnexAnswer)
class AnnexAnswerAdmin(ReadOnlyAdmin):
    list_display = ["annex", "item_id", "answer", "recorded_at"]
    list_filter = ["annex__procurement__municipality", "answer"]
