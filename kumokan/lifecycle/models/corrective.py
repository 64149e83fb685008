"""Corrective actions after an incident or a re-check."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.lifecycle.choices import (
    CorrectiveStatus,
)
from kumokan.lifecycle.models.common import USER
from kumokan.lifecycle.models.incidents import Incident
from kumokan.lifecycle.models.rechecks import Recheck


class CorrectiveAction(models.Model):
    """Bringing a service back into line with the rules (Kobe §6.2), with an owner and a deadline."""

    entry = models.ForeignKey(
        "ledger.LedgerEntry",
        on_delete=models.PROTECT,
        related_name="corrective_actions",
        verbose_name=_("service"),
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("incident"),
    )
    recheck = models.ForeignKey(
        Recheck,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("re-check"),
    )
    description = models.TextField(_("what must be corrected"))
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="corrective_actions", verbose_name=_("owner")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=CorrectiveStatus.choices, default=CorrectiveStatus.OPEN
    )
    result = models.TextField(_("result"), blank=True)
    opened_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["deadline", "id"]
        indexes = [
            # The dashboard's overdue and coming-due lists: without it, the database walks every entry
            # of the municipality looking for their corrective actions (BENCHMARKS.md, "Dashboard").
            models.Index(fields=["status", "deadline"], name="lifecycle_corrective_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_closed_has_result",
                condition=Q(status=CorrectiveStatus.OPEN, closed_at__isnull=True)
                | (
                    ~Q(status=CorrectiveStatus.OPEN)
                    & Q(closed_at__isnull=False, closed_by__isnull=False)
                    & ~Q(result="")
                ),
                violation_error_message=_(
                    "A closed corrective action records its result, who closed it and when."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.description[:40]}"

    @property
    def municipality(self) -> Any:
        return self.entry.municipality

    def is_overdue(self, today: Any = None) -> bool:
        today = today or timezone.localdate()
        return self.status == CorrectiveStatus.OPEN and self.deadline < today
