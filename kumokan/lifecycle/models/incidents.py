"""Incidents of a service and their notes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.lifecycle.choices import (
    IncidentStatus,
)
from kumokan.lifecycle.models.common import USER


class Incident(models.Model):
    """An information security incident on a service, reported by a user to its service manager."""

    entry = models.ForeignKey(
        "ledger.LedgerEntry", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("service")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    reported_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    handled_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    handling_started_at = models.DateTimeField(_("handling started at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_closed_has_resolution",
                condition=~Q(status=IncidentStatus.CLOSED) | (Q(closed_at__isnull=False) & ~Q(resolution="")),
                violation_error_message=_("A closed incident records when and how it was resolved."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("lifecycle:incident", args=[self.pk])

    @property
    def municipality(self) -> Any:
        return self.entry.municipality


class IncidentNote(models.Model):
    """One step of handling an incident, as the service manager recorded it."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="notes", verbose_name=_("incident")
    )
    text = models.TextField(_("note"))
    written_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("incident note")
        verbose_name_plural = _("incident notes")
        ordering = ["incident", "written_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def municipality(self) -> Any:
        return self.incident.entry.municipality
