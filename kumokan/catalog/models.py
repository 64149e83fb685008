"""Providers and their cloud services as each municipality knows them, their certifications, and imports
of the ISMAP cloud service list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.catalog.choices import (
    ISMAP_KINDS,
    CertificationKind,
    CertificationSource,
    CertificationStatus,
    ImportStatus,
    ServiceModel,
)
from kumokan.core.constraints import one_of, ordered
from kumokan.core.private_files import PrivateFileField
from kumokan.core.spreadsheet import normalise


def name_key(name: str) -> str:
    """The form two names are compared in: NFKC (full/half width), case-folded, spaces collapsed.

    「ＡＢＣ株式会社」, 'abc株式会社' and 'ABC 株式会社 ' are one provider.
    """
    return normalise(name).casefold()


class Provider(models.Model):
    """A cloud service provider (クラウドサービス提供者)."""

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.CASCADE,
        related_name="providers",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(_("name for matching"), max_length=200, editable=False)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name_key"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_(
                    "This provider is already registered (ignoring case and full-width or half-width letters)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class CloudService(models.Model):
    """One service (with one function, where functions are applied for separately) of a provider."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="services", verbose_name=_("provider")
    )
    name = models.CharField(_("service name"), max_length=200)
    function_name = models.CharField(_("function name"), max_length=200, blank=True, default="")
    service_model = models.CharField(_("service model"), max_length=20, choices=ServiceModel.choices)
    name_key = models.CharField(_("service name for matching"), max_length=200, editable=False)
    function_key = models.CharField(
        _("function name for matching"), max_length=200, editable=False, blank=True
    )

    class Meta:
        verbose_name = _("cloud service")
        verbose_name_plural = _("cloud services")
        ordering = ["name", "function_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "name_key", "function_key"],
                name="%(app_label)s_%(class)s_unique_name_function",
                violation_error_message=_(
                    "This provider already has this service (with this function) registered."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.function_name}）" if self.function_name else self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.name)
        self.function_key = name_key(self.function_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "function_key"}
        super().save(*args, **kwargs)

    @property
    def municipality(self) -> Any:
        return self.provider.municipality


class Certification(models.Model):
    """One certification, registration or audit report of a provider, reused by every application for it.

    `services` narrows it to the services it covers (an ISMAP registration is of one service); none means
    every service of the provider. `status` is kept current by the daily check (catalog.tasks) from the
    dates, by kumokan.catalog.validity.
    """

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("provider")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CertificationKind.choices)
    registration_number = models.CharField(
        _("registration number"), max_length=50, blank=True, help_text=_("For ISMAP, e.g. C21-0005-2.")
    )
    services = models.ManyToManyField(
        CloudService,
        blank=True,
        related_name="certifications",
        verbose_name=_("services covered"),
        help_text=_("None: every service of the provider."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    audit_period_start = models.DateField(_("audit period from"), null=True, blank=True)
    audit_period_end = models.DateField(_("audit period to"), null=True, blank=True)
    report_period_start = models.DateField(_("report period from"), null=True, blank=True)
    report_period_end = models.DateField(_("report period to"), null=True, blank=True)
    renewal_applied_on = models.DateField(_("renewal applied for on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CertificationStatus.choices, default=CertificationStatus.VALID
    )
    source = models.CharField(
        _("source"), max_length=20, choices=CertificationSource.choices, default=CertificationSource.MANUAL
    )
    notes = models.TextField(_("notes"), blank=True)
    # When re-checks were opened because it runs out, ran out or was withdrawn; cleared on renewal.
    lapse_reported_at = models.DateTimeField(_("re-checks opened for its lapse at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["provider", "kind", "-valid_until", "id"]
        constraints = [
            one_of("kind", CertificationKind, _("The kind of certification is not valid.")),
            one_of("status", CertificationStatus),
            ordered(
                "valid_from",
                "valid_until",
                "validity",
                _("The validity must end on or after the day it starts."),
            ),
            ordered(
                "audit_period_start",
                "audit_period_end",
                "audit_period",
                _("The audit period must end on or after the day it starts."),
            ),
            ordered(
                "report_period_start",
                "report_period_end",
                "report_period",
                _("The report period must end on or after the day it starts."),
            ),
            # The audit period and a pending renewal are ISMAP's (基本規程 3.5), the report period SOC 2's.
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_audit_period_only_ismap",
                condition=Q(kind__in=ISMAP_KINDS)
                | Q(
                    audit_period_start__isnull=True,
                    audit_period_end__isnull=True,
                    renewal_applied_on__isnull=True,
                ),
                violation_error_message=_(
                    "Only an ISMAP or ISMAP-LIU registration has an audit period and a renewal."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_report_period_only_soc2",
                condition=Q(kind=CertificationKind.SOC2)
                | Q(report_period_start__isnull=True, report_period_end__isnull=True),
                violation_error_message=_("Only a SOC 2 report has a report period."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_withdrawn_has_date",
                condition=~Q(status=CertificationStatus.WITHDRAWN) | Q(withdrawn_on__isnull=False),
                violation_error_message=_("A withdrawn certification records the day it was withdrawn."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_renewal_pending_has_date",
                condition=~Q(status=CertificationStatus.RENEWAL_PENDING)
                | Q(renewal_applied_on__isnull=False),
                violation_error_message=_("A pending renewal records the day it was applied for."),
            ),
            models.UniqueConstraint(
                fields=["provider", "kind", "registration_number"],
                condition=~Q(registration_number=""),
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("This provider already has this certification with this number."),
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="catalog_cert_status_idx")]

    def __str__(self) -> str:
        number = f" {self.registration_number}" if self.registration_number else ""
        return f"{self.provider} {self.get_kind_display()}{number}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:certification", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.kind not in ISMAP_KINDS and (
            self.audit_period_end or self.audit_period_start or self.renewal_applied_on
        ):
            raise ValidationError(
                {
                    "audit_period_end": _(
                        "Only an ISMAP or ISMAP-LIU registration has an audit period and a renewal."
                    )
                }
            )
        if self.kind != CertificationKind.SOC2 and (self.report_period_start or self.report_period_end):
            raise ValidationError({"report_period_end": _("Only a SOC 2 report has a report period.")})

    @property
    def municipality(self) -> Any:
        return self.provider.municipality


class CertificationEvidence(models.Model):
    """A file proving a certification (certificate, registration page, audit report); kept private."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("certification")
    )
    file = PrivateFileField(_("file"))
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("certification evidence")
        verbose_name_plural = _("certification evidence")
        ordering = ["certification", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def municipality(self) -> Any:
        return self.certification.provider.municipality

    def private_folders(self) -> tuple[object, ...]:
        """municipality/certifications/certification (kumokan.core.private_files)."""
        return (self.municipality.slug, "certifications", self.certification_id)


class IsmapImport(models.Model):
    """One upload of the ISMAP (or ISMAP-LIU) cloud service list: its rows, and what it changes.

    A dry run stores the rows read and the report; committing applies exactly those rows, all or nothing.
    """

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        related_name="ismap_imports",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("list"), max_length=20, choices=CertificationKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows read"), default=list, encoder=DjangoJSONEncoder)
    report = models.JSONField(_("report"), default=dict, encoder=DjangoJSONEncoder)
    # The committed import the report compares with (None: the first import of this list).
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous import"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.DRY_RUN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ISMAP list import")
        verbose_name_plural = _("ISMAP list imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_kind_is_a_list",
                condition=Q(kind__in=ISMAP_KINDS),
                violation_error_message=_("Only the ISMAP and ISMAP-LIU lists are imported."),
            ),
            one_of("status", ImportStatus),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_committed_has_who_and_when",
                condition=~Q(status=ImportStatus.COMMITTED)
                | Q(committed_at__isnull=False, committed_by__isnull=False),
                violation_error_message=_("An import records who committed it and when."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("catalog:import", args=[self.pk])
