"""Ending the use of a service."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.core.private_files import PrivateFileField
from kumokan.lifecycle.choices import (
    AccountOutcome,
    DisposalMethod,
    TerminationStatus,
    TerminationStep,
)
from kumokan.lifecycle.models.common import USER, EntryFiles


class Termination(EntryFiles, models.Model):
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
    plan_file = PrivateFileField(_("plan document"), blank=True)
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
        return reverse("lifecycle:termination", args=[self.entry_id])

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
