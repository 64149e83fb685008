from django.contrib import admin
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kumokan.audit.admin import ReadOnlyAdmin
from kumokan.ledger.models import LedgerChange, LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["service_name", "function_name", "provider_name", "department", "track", "status"]
    list_filter = ["municipality", "status", "track"]
    search_fields = ["service_name", "provider_name", "purpose"]


@admin.register(LedgerChange)
class LedgerChangeAdmin(ReadOnlyAdmin):
    list_display = ["entry", "entry_version", "changed_by_name", "changed_at", "why"]
    list_filter = ["entry__municipality"]

    @admin.display(description=_("Reason"))
    def why(self, change: LedgerChange) -> str | Promise:
        return change.reason_text
