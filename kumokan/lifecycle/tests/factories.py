"""Factories for the lifecycle tests: real rows made through the real actions."""

from __future__ import annotations

from typing import Any

from kumokan.applications.tests import factories
from kumokan.applications.tests.factories import City, city, member, user
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.tasks import decide_task
from kumokan.lifecycle.actions.termination import (
    approve_termination,
    complete_termination,
    confirm_accounts,
    record_disposal,
    record_termination_plan,
    record_user_notice,
    request_termination,
    termination_approvers,
)
from kumokan.lifecycle.choices import AccountOutcome, DisposalMethod, TaskStatus, TerminationStep
from kumokan.lifecycle.models import ChecklistTask, Termination

__all__ = [
    "City",
    "city",
    "confirm_required",
    "entry",
    "in_operation",
    "member",
    "reload",
    "retired",
    "terminated_up_to",
    "user",
]

OSAKA_APPROVER = ("デジタル統括室長", "approver")


def entry(c: City, **kwargs: Any) -> LedgerEntry:
    """An approved ledger entry (承認済み); where the approver names the manager, the department's head."""
    if c.slug == "kobe" and not kwargs.get("high", True):
        # Kobe's low track approves itself on submission (§5.2.2②).
        return LedgerEntry.objects.get(application=factories.submitted(c, **kwargs))
    if c.slug == "osaka" or (c.slug == "kitakyushu" and kwargs.get("high", True)):
        kwargs.setdefault("manager", c.head)
    return factories.entry(c, **kwargs)


def reload(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def confirm_required(e: LedgerEntry) -> None:
    """The service manager confirms every item required before operation."""
    for task in ChecklistTask.objects.filter(entry=e, required_before_operation=True):
        decide_task(
            acting_user=e.service_manager, task=task, status=TaskStatus.CONFIRMED, note="手順書を確認した。"
        )


def in_operation(c: City, **kwargs: Any) -> LedgerEntry:
    """A ledger entry of city `c` that has gone 稼働中 through the gate."""
    e = entry(c, **kwargs)
    confirm_required(e)
    return entries.start_operation(acting_user=e.service_manager, entry=e)


def terminated_up_to(e: LedgerEntry, last: TerminationStep | None) -> Termination:
    """A termination of `e` with every step up to and including `last` recorded (None: just requested)."""
    manager = e.service_manager
    termination = request_termination(acting_user=manager, entry=e, reason="後継システムへ移行するため")
    steps = list(TerminationStep)
    for step in steps[: steps.index(last) + 1] if last else []:
        if step == TerminationStep.APPROVAL:
            if termination.approval_required:  # Kobe §7.1①: the 情報セキュリティ管理者 approves
                termination = approve_termination(
                    acting_user=termination_approvers(termination).first(), termination=termination
                )
        elif step == TerminationStep.PLAN:
            termination = record_termination_plan(
                acting_user=manager,
                termination=termination,
                text="令和8年3月末で後継サービスへデータを移行する。",
            )
        elif step == TerminationStep.NOTICE:
            termination = record_user_notice(
                acting_user=manager,
                termination=termination,
                notified_on=termination.requested_at.date(),
                note="庁内掲示板で周知",
            )
        elif step == TerminationStep.DISPOSAL:
            termination = record_disposal(
                acting_user=manager,
                termination=termination,
                method=DisposalMethod.CRYPTO_ERASE,
                key_backups_deleted=True,
                note="暗号鍵とそのバックアップを削除し、提供者の消去証明書を受領した。",
            )
        else:
            termination = confirm_accounts(
                acting_user=manager, termination=termination, step=step, outcome=AccountOutcome.DELETED
            )
    return termination


def retired(e: LedgerEntry) -> LedgerEntry:
    """`e` taken through every termination step to 廃止済み."""
    termination = terminated_up_to(e, TerminationStep.SPECIAL_ACCOUNTS)
    complete_termination(
        acting_user=e.service_manager, termination=termination, note="全ての手順の実施を確認した。"
    )
    return reload(e)
