"""A municipality's settings for life after approval."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LifecycleSettings(models.Model):
    """A municipality's settings for life after approval, where its rules leave the value open."""

    municipality = models.OneToOneField(
        "tenancy.Municipality",
        on_delete=models.CASCADE,
        related_name="lifecycle_settings",
        verbose_name=_("municipality"),
    )
    # Amagasaki (２以上)4.6 and Osaka 第4章3.9 say 定期的 without an interval: the city decides.
    default_recheck_interval_months = models.PositiveSmallIntegerField(
        _("re-check interval where the rules state none (months)"), default=12
    )
    reminder_days = models.PositiveSmallIntegerField(_("remind this many days before a due date"), default=14)
    # Kobe §6.3 asks for a prompt answer (速やかに) without a number of days: the city decides.
    triggered_recheck_days = models.PositiveSmallIntegerField(
        _("days to answer a triggered re-check"), default=14
    )
    incident_procedure = models.TextField(_("incident handling procedure"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("lifecycle settings")
        verbose_name_plural = _("lifecycle settings")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_interval_positive",
                condition=Q(default_recheck_interval_months__gte=1),
                violation_error_message=_("The re-check interval must be at least one month."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.municipality)
