"""Re-checks of a service in use and the orders that open them."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kumokan.core.punctuation import bracketed
from kumokan.errors import reads_english
from kumokan.lifecycle.choices import (
    OrderScope,
    OrderStatus,
    OrderTrigger,
    RecheckStatus,
    RecheckTrigger,
)
from kumokan.lifecycle.models.common import USER, CopiesOfEntry, Versioned
from kumokan.lifecycle.models.incidents import Incident

# How much of a scheduled re-check's rule a list shows (as much as of a checklist item's text).
RULE_IN_BRIEF_LENGTH = 60
RULE_IN_BRIEF_WORDS = 12


class RecheckOrder(models.Model):
    """The security manager's order to re-check one service, or every service of a provider (Kobe §6.3)."""

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        related_name="recheck_orders",
        verbose_name=_("municipality"),
    )
    trigger = models.CharField(_("reason for the order"), max_length=30, choices=OrderTrigger.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=OrderScope.choices)
    entry = models.ForeignKey(
        "ledger.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    provider = models.ForeignKey(
        "catalog.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    details = models.TextField(_("details"))
    due_date = models.DateField(_("answer by"))
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    ordered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("ordered by")
    )
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-check order")
        verbose_name_plural = _("re-check orders")
        ordering = ["-ordered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_scope_has_target",
                condition=Q(scope=OrderScope.SERVICE, entry__isnull=False, provider__isnull=True)
                | Q(scope=OrderScope.PROVIDER, provider__isnull=False, entry__isnull=True),
                violation_error_message=_("An order names one service, or one provider."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_closed_has_date",
                condition=Q(status=OrderStatus.OPEN, closed_at__isnull=True)
                | Q(status=OrderStatus.CLOSED, closed_at__isnull=False),
                violation_error_message=_("A closed order records when it was closed."),
            ),
        ]

    def __str__(self) -> str:
        target = self.provider if self.scope == OrderScope.PROVIDER else self.entry
        return f"{self.get_trigger_display()}: {target}"

    def get_absolute_url(self) -> str:
        return reverse("lifecycle:order", args=[self.pk])


class Recheck(CopiesOfEntry, Versioned):
    """One re-check of one service: periodic, triggered by an event, ordered, or after a rules revision."""

    unversioned_fields = frozenset({"reminded_at", "escalated_at"})

    entry = models.ForeignKey(
        "ledger.LedgerEntry", on_delete=models.PROTECT, related_name="rechecks", verbose_name=_("service")
    )
    trigger = models.CharField(_("reason"), max_length=30, choices=RecheckTrigger.choices)
    # The pack's re-check rules this one fulfils, as the judgment lists them (id, text, source ...).
    basis = models.JSONField(_("rules"), default=list, blank=True, encoder=DjangoJSONEncoder)
    # "pack:rule id" for a scheduled re-check: at most one open per rule and entry.
    rule_key = models.CharField(_("scheduled rule"), max_length=160, blank=True)
    interval_months = models.PositiveSmallIntegerField(_("interval (months)"), null=True, blank=True)
    # True where the seed states no interval and the municipality's default was used.
    interval_from_setting = models.BooleanField(_("interval from the municipality's setting"), default=False)
    # After a rules revision: exactly the changed items that apply to this service.
    items = models.JSONField(_("changed items"), default=list, blank=True, encoder=DjangoJSONEncoder)
    order = models.ForeignKey(
        RecheckOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rechecks",
        verbose_name=_("order"),
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rechecks",
        verbose_name=_("incident"),
    )
    pack_version = models.ForeignKey(
        "tenancy.PackVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rechecks",
        verbose_name=_("revised pack"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=RecheckStatus.choices, default=RecheckStatus.OPEN
    )
    answer_note = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "rule_key"],
                condition=Q(status=RecheckStatus.OPEN) & ~Q(rule_key=""),
                name="%(app_label)s_%(class)s_one_open_per_rule",
                violation_error_message=_("This scheduled re-check is already open."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_answered_has_who_and_when",
                condition=Q(
                    status__in=[RecheckStatus.OPEN, RecheckStatus.CANCELLED], answered_at__isnull=True
                )
                | Q(
                    status__in=[RecheckStatus.CONFORMS, RecheckStatus.NONCONFORMING],
                    answered_at__isnull=False,
                    answered_by__isnull=False,
                ),
                violation_error_message=_("An answered re-check records who answered it and when."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_nonconforming_has_note",
                condition=~Q(status=RecheckStatus.NONCONFORMING) | ~Q(answer_note=""),
                violation_error_message=_("Say what does not conform."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="lifecycle_recheck_due_idx"),
            # The dashboard's overdue and coming-due re-checks of a municipality, without the entries.
            models.Index(
                fields=["municipality", "due_date"],
                name="lifecycle_recheck_open_due_idx",
                condition=Q(status=RecheckStatus.OPEN),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.get_trigger_display()} ({self.due_date:%Y-%m-%d})"

    def get_trigger_display(self) -> str:
        """The trigger's label, as Django's get_FOO_display gives it, from the choice itself: Django's
        builds the whole choices mapping again on each call (~36 µs; an import names thousands of
        re-checks in its audit rows, a dashboard lists dozens)."""
        try:
            return str(RecheckTrigger(self.trigger).label)
        except ValueError:
            return str(self.trigger)

    def get_absolute_url(self) -> str:
        return reverse("lifecycle:recheck", args=[self.pk])

    def in_brief(self) -> str:
        """The re-check as a list names it beside its trigger and due date, in the reader's language: a
        scheduled one by the start of its rule's text (the pack's English gloss in English) and its
        interval (「…アクセス権限に対して、定期的な見直し…（12か月ごと）」), any other by its trigger.

        A service has one scheduled re-check per periodic rule (Amagasaki's high track: three, all due
        the same day), so the trigger and the date alone do not tell them apart."""
        if not self.rule_key or not self.basis:
            return self.get_trigger_display()
        rule = self.basis[0]
        english = reads_english()
        gloss = rule.get("text_en") if english else None
        # English is cut between words; Japanese, which has no spaces, after as many characters.
        text = (
            Truncator(gloss).words(RULE_IN_BRIEF_WORDS)
            if gloss
            else Truncator(str(rule.get("text", ""))).chars(RULE_IN_BRIEF_LENGTH)
        )
        if self.interval_months is None:
            return text
        return text + bracketed(gettext("every %(n)s months") % {"n": self.interval_months})

    def is_overdue(self, today: Any = None) -> bool:
        today = today or timezone.localdate()
        return self.status == RecheckStatus.OPEN and self.due_date < today
