"""The life of an approved service: phase checklists, re-checks, incidents, corrective actions, termination."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.core.private_files import evidence_storage, private_name
from kumokan.lifecycle.choices import (
    AccountOutcome,
    CorrectiveStatus,
    DisposalMethod,
    IncidentStatus,
    OrderScope,
    OrderStatus,
    OrderTrigger,
    RecheckStatus,
    RecheckTrigger,
    TaskPhase,
    TaskStatus,
    TerminationStatus,
    TerminationStep,
)

USER = settings.AUTH_USER_MODEL


def lifecycle_file_path(obj: Any, filename: str) -> str:
    """municipality/lifecycle/entry/random name: the uploader's file name never becomes a path."""
    entry = obj.entry
    return private_name(entry.municipality.slug, "lifecycle", entry.pk, filename=filename)


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


class Versioned(models.Model):
    """A row changed on the version its changer read (the API sends it back): every save raises it and
    stamps `updated_at` (the API's updated_since), except a save of only the bookkeeping fields in
    `unversioned_fields` (reminders sent and the like)."""

    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)
    unversioned_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or set(update_fields) - self.unversioned_fields):
            self.version += 1
            self.updated_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "version", "updated_at"]
        super().save(*args, **kwargs)


class ChecklistTask(Versioned):
    """One checklist item of a phase after approval, for one ledger entry, copied from its judgment."""

    entry = models.ForeignKey(
        "ledger.LedgerEntry", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("ledger entry")
    )
    pack_id = models.CharField(_("pack"), max_length=50)
    item_id = models.CharField(_("item"), max_length=100)
    phase = models.CharField(_("phase"), max_length=20, choices=TaskPhase.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    group = models.CharField(_("group"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    source = models.JSONField(_("source"))
    required_before_operation = models.BooleanField(_("required before operation"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(
        _("evidence"), storage=evidence_storage, upload_to=lifecycle_file_path, max_length=300, blank=True
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    responsible = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lifecycle_tasks",
        verbose_name=_("responsible"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist task")
        verbose_name_plural = _("checklist tasks")
        ordering = ["entry", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "pack_id", "item_id"],
                name="%(app_label)s_%(class)s_unique_item",
                violation_error_message=_("This item is already a task of this ledger entry."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_valid",
                condition=Q(status__in=TaskStatus.values),
                violation_error_message=_("The status is not valid."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_decided_has_who_and_when",
                condition=Q(status=TaskStatus.OPEN, confirmed_at__isnull=True)
                | (~Q(status=TaskStatus.OPEN) & Q(confirmed_at__isnull=False, confirmed_by__isnull=False)),
                violation_error_message=_("A decided task records who decided it and when."),
            ),
        ]
        indexes = [
            models.Index(fields=["entry", "phase"], name="lifecycle_task_phase_idx"),
            # A person's open tasks, and those due in a range of dates (the dashboard).
            models.Index(fields=["responsible", "status", "due_date"], name="lifecycle_task_responsible_idx"),
            # The dashboard's overdue and coming-due counts and lists: only the open tasks with a due date
            # (a few percent of all tasks), with the entry to join, so the task rows are not read
            # (BENCHMARKS.md, "Dashboard").
            models.Index(
                fields=["due_date", "entry"],
                name="lifecycle_task_open_due_idx",
                condition=Q(status=TaskStatus.OPEN, due_date__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} {self.pack_id}:{self.item_id}"

    @property
    def municipality(self) -> Any:
        return self.entry.municipality

    def is_overdue(self, today: Any = None) -> bool:
        today = today or timezone.localdate()
        return self.status == TaskStatus.OPEN and self.due_date is not None and self.due_date < today


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
        return f"/lifecycle/orders/{self.pk}/"


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
        return f"/lifecycle/incidents/{self.pk}/"

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


class Recheck(Versioned):
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
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.get_trigger_display()} ({self.due_date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return f"/lifecycle/rechecks/{self.pk}/"

    @property
    def municipality(self) -> Any:
        return self.entry.municipality

    def is_overdue(self, today: Any = None) -> bool:
        today = today or timezone.localdate()
        return self.status == RecheckStatus.OPEN and self.due_date < today


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


class Termination(models.Model):
    """Ending the use of a service (Kobe §7, Amagasaki (２以上)4.5, Kitakyushu 3.5): every step recorded."""

    entry = models.OneToOneField(
        "ledger.LedgerEntry", on_delete=models.PROTECT, related_name="termination", verbose_name=_("service")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TerminationStatus.choices, default=TerminationStatus.IN_PROGRESS
    )
    reason = models.TextField(_("reason for ending the use"))
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # Copied from the judgment when the termination starts: the items that ask for crypto-erase.
    crypto_erase_required = models.BooleanField(_("crypto-erase required"), default=False)
    crypto_erase_basis = models.JSONField(_("basis of the disposal method"), default=list, blank=True)

    # Copied from the pack when the termination starts (Kobe §7.1①): whose approval the application to
    # stop the use needs before the information and accounts are disposed of; {} when none.
    approval_required = models.BooleanField(_("approval required"), default=False)
    approval_basis = models.JSONField(_("basis of the approval"), default=dict, blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)

    plan_text = models.TextField(_("migration or termination plan"), blank=True)
    plan_file = models.FileField(
        _("plan document"),
        storage=evidence_storage,
        upload_to=lifecycle_file_path,
        max_length=300,
        blank=True,
    )
    plan_file_name = models.CharField(_("plan file name"), max_length=255, blank=True)
    plan_recorded_at = models.DateTimeField(_("plan recorded at"), null=True, blank=True)

    users_notified_on = models.DateField(_("users notified on"), null=True, blank=True)
    notice_note = models.TextField(_("how users were notified"), blank=True)
    notice_recorded_at = models.DateTimeField(_("notice recorded at"), null=True, blank=True)

    disposal_method = models.CharField(
        _("disposal method"), max_length=30, choices=DisposalMethod.choices, blank=True
    )
    key_backups_deleted = models.BooleanField(_("key backups deleted"), default=False)
    disposal_note = models.TextField(_("disposal record"), blank=True)
    disposal_recorded_at = models.DateTimeField(_("disposal recorded at"), null=True, blank=True)

    user_accounts = models.CharField(
        _("user accounts"), max_length=20, choices=AccountOutcome.choices, blank=True
    )
    user_accounts_at = models.DateTimeField(_("user accounts confirmed at"), null=True, blank=True)
    admin_accounts = models.CharField(
        _("administrator accounts"), max_length=20, choices=AccountOutcome.choices, blank=True
    )
    admin_accounts_at = models.DateTimeField(_("administrator accounts confirmed at"), null=True, blank=True)
    special_accounts = models.CharField(
        _("special accounts and credentials"), max_length=20, choices=AccountOutcome.choices, blank=True
    )
    special_accounts_at = models.DateTimeField(_("special accounts confirmed at"), null=True, blank=True)

    completion_note = models.TextField(_("completion record"), blank=True)
    completed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("termination")
        verbose_name_plural = _("terminations")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Kobe §7.1①④⑤: the information and the accounts are disposed of after the approval.
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_disposal_after_approval",
                condition=Q(approval_required=False)
                | Q(approved_at__isnull=False)
                | Q(
                    disposal_recorded_at__isnull=True,
                    user_accounts_at__isnull=True,
                    admin_accounts_at__isnull=True,
                    special_accounts_at__isnull=True,
                ),
                violation_error_message=_(
                    "The information and the accounts are disposed of only after the application to stop "
                    "the use is approved."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_approved_by_whom",
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False, approval_required=True),
                violation_error_message=_("An approval names who approved it, and only a required one."),
            ),
            # Kobe §3.7③, seed 004 運用・保守時 No.19: the key and every backup of it are deleted.
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_crypto_erase_when_required",
                condition=Q(crypto_erase_required=False)
                | Q(disposal_recorded_at__isnull=True)
                | Q(disposal_method=DisposalMethod.CRYPTO_ERASE, key_backups_deleted=True),
                violation_error_message=_(
                    "The information must be crypto-erased, with the key backups deleted."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_completed_after_every_step",
                condition=Q(status=TerminationStatus.IN_PROGRESS, completed_at__isnull=True)
                | Q(
                    status=TerminationStatus.COMPLETED,
                    completed_at__isnull=False,
                    plan_recorded_at__isnull=False,
                    notice_recorded_at__isnull=False,
                    disposal_recorded_at__isnull=False,
                    user_accounts_at__isnull=False,
                    admin_accounts_at__isnull=False,
                    special_accounts_at__isnull=False,
                ),
                violation_error_message=_("A termination is completed only after every step is recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return f"/lifecycle/entries/{self.entry_id}/termination/"

    @property
    def municipality(self) -> Any:
        return self.entry.municipality

    def step_times(self) -> dict[TerminationStep, Any]:
        """When each step was recorded (None: still open), in the order they are usually done."""
        approval = {TerminationStep.APPROVAL: self.approved_at} if self.approval_required else {}
        return approval | {
            TerminationStep.PLAN: self.plan_recorded_at,
            TerminationStep.NOTICE: self.notice_recorded_at,
            TerminationStep.DISPOSAL: self.disposal_recorded_at,
            TerminationStep.USER_ACCOUNTS: self.user_accounts_at,
            TerminationStep.ADMIN_ACCOUNTS: self.admin_accounts_at,
            TerminationStep.SPECIAL_ACCOUNTS: self.special_accounts_at,
        }

    def open_steps(self) -> list[TerminationStep]:
        return [step for step, at in self.step_times().items() if at is None]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address of one user's due dates as iCalendar; regenerating it kills the old address."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
