"""The audit trail in the admin: read-only, each record's action named as people say it, in the words of
the record's municipality (Kobe: 情報システム台帳への登録), and its target by the kind of thing it is.

Here, not in kumokan.audit: the words are the municipality's pack's (kumokan.tenancy.vocabulary), which
the trail, ground below tenancy, does not read (as for the export's page, audit_export.py)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kumokan.audit.admin import ReadOnlyAdmin
from kumokan.audit.models import AuditEvent
from kumokan.tenancy.vocabulary import action_label


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "municipality", "what", "target_kind", "target_repr"]
    list_select_related = ["municipality"]
    list_filter = ["municipality", "action"]
    search_fields = ["actor_name", "target_repr", "target_id", "request_id"]
    date_hierarchy = "at"
    # The record's own page: the same names in place of the stored codes (action, target_type).
    fields = [
        "at",
        "actor_name",
        "municipality",
        "what",
        "target_kind",
        "target_id",
        "target_repr",
        "before",
        "after",
        "request_id",
        "previous_hash",
        "hash",
    ]
    readonly_fields = fields

    @admin.display(description=_("Action"), ordering="action")
    def what(self, event: AuditEvent) -> str:
        return action_label(event.action, event.municipality)

    @admin.display(description=_("Target type"), ordering="target_type")
    def target_kind(self, event: AuditEvent) -> str:
        """The target's model as its verbose name (台帳, 利用申請), not its label (ledger.ledgerentry)."""
        try:
            model = apps.get_model(event.target_type)
        except (LookupError, ValueError):
            return event.target_type
        return capfirst(str(model._meta.verbose_name))
