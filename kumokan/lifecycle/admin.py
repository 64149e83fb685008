"""The lifecycle records in Django's admin: to read, since every change goes through an action.

One action writes: adopting the installed text of a pack (the same as `manage.py adopt_pack_version`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kumokan.core.packs import available
from kumokan.errors import WorkflowError
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.lifecycle.models import (
    ChecklistTask,
    CorrectiveAction,
    Incident,
    LifecycleSettings,
    Recheck,
    RecheckOrder,
    Termination,
)
from kumokan.tenancy.models import PackVersion


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PackVersion)
class PackVersionAdmin(ReadOnlyAdmin):
    list_display = ("municipality", "pack_id", "version", "digest", "adopted_at")
    list_filter = ("municipality", "pack_id")
    actions = ["adopt_installed"]

    @admin.action(description=_("Adopt the installed version of these packs"))
    def adopt_installed(self, request: HttpRequest, queryset: QuerySet[PackVersion]) -> None:
        installed = available()
        for municipality, pack_id in sorted({(v.municipality, v.pack_id) for v in queryset}, key=str):
            try:
                version, rechecks = adopt_pack_version(
                    acting_user=request.user,
                    municipality=municipality,
                    text=installed[pack_id].read_text(encoding="utf-8"),
                )
            except WorkflowError as exc:
                self.message_user(request, f"{municipality} {pack_id}: {exc.message}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("%(municipality)s adopted %(pack)s %(version)s: %(count)s re-check(s) opened.")
                    % {
                        "municipality": municipality,
                        "pack": pack_id,
                        "version": version.version,
                        "count": len(rechecks),
                    },
                )


@admin.register(ChecklistTask)
class ChecklistTaskAdmin(ReadOnlyAdmin):
    list_display = ("entry", "phase", "pack_id", "item_id", "status", "responsible", "due_date")
    list_filter = ("phase", "status", "required_before_operation")


@admin.register(Recheck)
class RecheckAdmin(ReadOnlyAdmin):
    list_display = ("entry", "trigger", "due_date", "status", "answered_at")
    list_filter = ("trigger", "status")


@admin.register(RecheckOrder)
class RecheckOrderAdmin(ReadOnlyAdmin):
    list_display = ("municipality", "trigger", "scope", "due_date", "status")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("entry", "title", "status", "reported_at")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdmin):
    list_display = ("entry", "owner", "deadline", "status")


@admin.register(Termination)
class TerminationAdmin(ReadOnlyAdmin):
    list_display = ("entry", "status", "requested_at", "completed_at")


@admin.register(LifecycleSettings)
class LifecycleSettingsAdmin(ReadOnlyAdmin):
    list_display = (
        "municipality",
        "default_recheck_interval_months",
        "reminder_days",
        "triggered_recheck_days",
    )
