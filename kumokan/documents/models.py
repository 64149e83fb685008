"""Ledger imports: each uploaded file with its dry-run report, and each municipality's column mapping."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kumokan.core.constraints import one_of
from kumokan.core.private_files import PrivateFileField, import_storage
from kumokan.documents.choices import ImportStatus


def job_stopped_after() -> datetime.timedelta:
    """How long a background job may be silent before it counts as stopped (KUMOKAN_IMPORT_JOB_STOPPED_MINUTES)."""
    return datetime.timedelta(minutes=settings.IMPORT_JOB_STOPPED_MINUTES)


class ImportMapping(models.Model):
    """How a municipality's own ledger headers map to kumokan's columns, kept for its next import."""

    municipality = models.OneToOneField(
        "tenancy.Municipality",
        on_delete=models.CASCADE,
        related_name="import_mapping",
        verbose_name=_("Municipality"),
    )
    # Normalised header (kumokan.documents.ledger_table.header_key) -> column key; "" ignores the column.
    columns = models.JSONField(_("Column mapping"), default=dict, blank=True)
    # The values a person decided how to read (ledger_import.DECISION_KINDS): kind -> value key -> answer.
    decisions = models.JSONField(_("Decisions on values"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Updated by"),
    )
    updated_at = models.DateTimeField(_("Updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("Import column mapping")
        verbose_name_plural = _("Import column mappings")

    def __str__(self) -> str:
        return str(self.municipality)


class LedgerImport(models.Model):
    """One uploaded ledger file: checked (the dry run) and then, if nothing is wrong, imported whole."""

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        related_name="ledger_imports",
        verbose_name=_("Municipality"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Uploaded by")
    )
    uploaded_at = models.DateTimeField(_("Uploaded at"), default=timezone.now)
    file = PrivateFileField(_("File"), storage=import_storage)
    original_name = models.CharField(_("File name"), max_length=255)
    size = models.PositiveIntegerField(_("Size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    encoding = models.CharField(_("Encoding requested"), max_length=20, default="auto")
    # The sheet and header row the importer chose; blank: found by the check (ledger_import.read_table).
    sheet = models.CharField(_("Sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("Header row"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=ImportStatus.choices)
    report = models.JSONField(pgettext_lazy("ledger import", "Report"), default=dict)
    created_count = models.PositiveIntegerField(_("Entries created"), default=0)
    # A background job's progress (rows checked of rows read), written as it goes.
    progress_done = models.PositiveIntegerField(_("Rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("Rows in all"), default=0)
    committed_at = models.DateTimeField(_("Imported at"), null=True, blank=True)
    # The last sign of life of its background job: when it was queued, when it started, each progress
    # report. A job whose worker died leaves the status running; job_stopped() tells it from a live one.
    job_heartbeat_at = models.DateTimeField(_("Background job last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ledger import")
        verbose_name_plural = _("Ledger imports")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            one_of("status", ImportStatus, _("The import status is not valid.")),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_committed_has_date",
                condition=~Q(status=ImportStatus.COMMITTED) | Q(committed_at__isnull=False),
                violation_error_message=_("An imported file needs the time of import."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("documents:import_detail", args=[self.pk])

    def private_folders(self) -> tuple[object, ...]:
        """municipality (kumokan.core.private_files)."""
        return (self.municipality.slug,)

    def job_stopped(self, now: datetime.datetime | None = None) -> bool:
        """A background job that has given no sign of life for job_stopped_after(): its worker was killed
        or lost the job (the import is one transaction: nothing of it was written). Shown as failed,
        with a way to run it again (actions.retry_job)."""
        if self.status not in (ImportStatus.CHECKING, ImportStatus.IMPORTING):
            return False
        last = self.job_heartbeat_at or self.uploaded_at
        return last < (now or timezone.now()) - job_stopped_after()
