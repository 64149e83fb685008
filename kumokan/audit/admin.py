from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kumokan.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin pages that only show: every change goes through an action, which audits it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "municipality", "action", "target_repr"]
    list_filter = ["municipality", "action"]
    search_fields = ["actor_name", "target_repr", "target_id", "request_id"]
    date_hierarchy = "at"
