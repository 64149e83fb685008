"""Planned procurements of cloud services: the survey, the SLA, and the special-terms annex with its answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.core.answers import AnsweredItem, one_per_item, pack_item_key, valid_answer
from kumokan.core.constraints import counts_from_one, one_of
from kumokan.procurement.choices import AnnexStatus, ContractorAnswer, SurveyAnswer

USER = settings.AUTH_USER_MODEL


class Procurement(models.Model):
    """One cloud service a department plans to procure, described by the facts of an application."""

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        related_name="procurements",
        verbose_name=_("municipality"),
    )
    department = models.ForeignKey(
        "tenancy.Department",
        on_delete=models.PROTECT,
        related_name="procurements",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title of the procurement"), max_length=200)
    # The facts of CONTRACT.md, as validated by the engine (kumokan.policy.facts.Facts).
    facts = models.JSONField(_("facts"))
    survey_result = models.TextField(_("result of the survey"), blank=True)
    survey_completed_at = models.DateTimeField(_("survey completed at"), null=True, blank=True)
    survey_completed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey completed by"),
    )
    # The service once it is approved and in the ledger: its re-checks are the lifecycle app's.
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procurements",
        verbose_name=_("ledger entry"),
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_survey_completed_has_who_and_when",
                condition=Q(survey_completed_at__isnull=True, survey_completed_by__isnull=True)
                | Q(survey_completed_at__isnull=False, survey_completed_by__isnull=False),
                violation_error_message=_("A completed survey records who completed it and when."),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "department"], name="procurement_department_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("procurement:detail", args=[self.pk])

    @property
    def service_model(self) -> str:
        return str(self.facts["service_model"])


class SurveyItem(AnsweredItem):
    """The department's answer to one selection item of the survey worksheet (Osaka 第2章), with its result."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="survey_items", verbose_name=_("procurement")
    )
    answer = models.CharField(_("answer"), max_length=20, choices=SurveyAnswer.choices)
    note = models.TextField(_("what was found"), blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey item")
        verbose_name_plural = _("survey items")
        ordering = ["procurement", "id"]
        constraints = [
            one_per_item("procurement", _("This item of the survey is already answered.")),
            valid_answer(SurveyAnswer),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.get_answer_display()}"

    @property
    def municipality(self) -> Any:
        return self.procurement.municipality


class SurveyJustification(models.Model):
    """Why the plan stands despite one finding of the judgment, e.g. why SaaS is not used (Osaka 第1章1.1)."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="justifications", verbose_name=_("procurement")
    )
    pack_id = models.CharField(_("pack"), max_length=50)
    code = models.CharField(_("finding code"), max_length=100)
    text = models.TextField(_("justification"))
    written_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("justification")
        verbose_name_plural = _("justifications")
        ordering = ["procurement", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "pack_id", "code"],
                name="%(app_label)s_%(class)s_unique_finding",
                violation_error_message=_("This finding is already justified."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_text_not_empty",
                condition=~Q(text=""),
                violation_error_message=_("Write the justification."),
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return pack_item_key(self.pack_id, self.code)

    @property
    def municipality(self) -> Any:
        return self.procurement.municipality


class SlaRequirement(AnsweredItem):
    """The city's requirement for one row of the SLA template (Osaka 第3章2.3 SLA(例)), for one procurement."""

    ANSWERED = ("filled_by", "filled_at")
    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="sla_requirements", verbose_name=_("procurement")
    )
    requirement = models.CharField(_("the city's requirement"), max_length=500)
    filled_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("filled in by")
    )
    filled_at = models.DateTimeField(_("filled in at"), default=timezone.now)

    class Meta:
        verbose_name = _("SLA requirement")
        verbose_name_plural = _("SLA requirements")
        ordering = ["procurement", "id"]
        constraints = [
            one_per_item("procurement", _("This SLA row already has a requirement.")),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.requirement}"

    @property
    def municipality(self) -> Any:
        return self.procurement.municipality


class ProcurementAnnex(models.Model):
    """The special-terms annex (seed 004) of a procurement's specification, as issued: the items that apply
    to the facts at that moment, kept unchanged so the contractor's answers refer to what they were sent."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.PROTECT, related_name="annexes", verbose_name=_("procurement")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    facts = models.JSONField(_("facts as issued"))
    packs = models.JSONField(_("packs (id, version, digest)"))
    items = models.JSONField(_("items"), encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("status"), max_length=20, choices=AnnexStatus.choices, default=AnnexStatus.AWAITING_ANSWERS
    )
    contractor_name = models.CharField(_("contractor"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("special-terms annex")
        verbose_name_plural = _("special-terms annexes")
        ordering = ["procurement", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("This procurement already has an annex with this number."),
            ),
            one_of("status", AnnexStatus),
            counts_from_one("number", _("Annexes are numbered from 1.")),
        ]

    def __str__(self) -> str:
        return f"{self.procurement} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:annex", args=[self.procurement_id, self.number])

    @property
    def municipality(self) -> Any:
        return self.procurement.municipality

    def item(self, pack_id: str, item_id: str) -> dict[str, Any] | None:
        for item in self.items:
            if item["pack"] == pack_id and item["id"] == item_id:
                return dict(item)
        return None


class AnnexAnswer(AnsweredItem):
    """The contractor's answer to one item of an annex, as the city recorded it."""

    ANSWERED = ("recorded_by", "recorded_at")
    annex = models.ForeignKey(
        ProcurementAnnex, on_delete=models.CASCADE, related_name="answers", verbose_name=_("annex")
    )
    answer = models.CharField(_("answer"), max_length=20, choices=ContractorAnswer.choices)
    note = models.TextField(_("contractor's explanation"), blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("annex answer")
        verbose_name_plural = _("annex answers")
        ordering = ["annex", "id"]
        constraints = [
            one_per_item("annex", _("This item of the annex is already answered.")),
            valid_answer(ContractorAnswer),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_nonconformity_explained",
                condition=~Q(answer=ContractorAnswer.DOES_NOT_CONFORM) | ~Q(note=""),
                violation_error_message=_("Say how the item is not met."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.get_answer_display()}"

    @property
    def municipality(self) -> Any:
        return self.annex.procurement.municipality
