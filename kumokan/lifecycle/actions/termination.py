"""Ending the use of a service: request, approval, plan, notice, disposal, accounts, completion."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, display_name, signed_in
from kumokan.core.citations import citation
from kumokan.core.private_files import keep
from kumokan.errors import WorkflowError
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle import gates
from kumokan.lifecycle.access import governors, overseers
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.common import active_users, require_active
from kumokan.lifecycle.choices import (
    AccountOutcome,
    DisposalMethod,
    TaskPhase,
    TerminationStatus,
    TerminationStep,
)
from kumokan.lifecycle.models import (
    Termination,
)
from kumokan.lifecycle.rules import crypto_erase_items, snapshot_of, termination_approval
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.tenancy.access import users_with_role
from kumokan.tenancy.permissions import Capability, can
from kumokan.tenancy.vocabulary import in_sentence


def request_termination(*, acting_user: Actor, entry: LedgerEntry, reason: str) -> Termination:
    """The service manager reports or applies for the end of use (Kobe §7.1①, Amagasaki (２以上)4.2（３）)."""
    reason = reason.strip()
    if not reason:
        raise WorkflowError(
            gettext_lazy("give the reason for ending the use"),
            code="reason_required",
        )
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if not can(acting_user, Capability.MANAGE_LEDGER, locked):
            raise PermissionDenied(
                _("Only the %(service_manager)s or an administrator may end the use of a service.")
                % in_sentence(locked.municipality)
            )
        require_active(locked)
        if Termination.objects.filter(entry=locked).exists():
            raise WorkflowError(
                gettext_lazy("termination was already requested"),
                code="duplicate",
            )
        # The termination items to record on the way: an entry imported in operation has none yet.
        gates.open_phase_tasks(locked, acting_user=acting_user, phases=[TaskPhase.TERMINATION])
        basis = crypto_erase_items(snapshot_of(locked))
        approval = termination_approval(locked)
        termination = Termination.objects.create(
            entry=locked,
            reason=reason,
            requested_by=signed_in(acting_user),
            crypto_erase_required=bool(basis),
            crypto_erase_basis=[
                {"pack": i["pack"], "id": i["id"], "text": i["text"], "source": i["source"]} for i in basis
            ],
            approval_required=approval is not None,
            approval_basis=approval or {},
        )
        record(
            acting_user,
            Action.LIFECYCLE_TERMINATION_REQUEST,
            termination,
            None,
            state_of(
                termination,
                "entry",
                "reason",
                "crypto_erase_required",
                "approval_required",
                "approval_basis",
                "status",
            ),
        )
        text = Message(
            gettext_noop("%(who)s requested to end the use of %(service)s: %(reason)s"),
            {
                "who": display_name(acting_user),
                "service": locked,
                "reason": reason,
            },
        )
        notify(
            [*overseers(locked), *governors(locked.municipality), *termination_approvers(termination)],
            text,
            termination.get_absolute_url(),
            municipality=locked.municipality,
            verb=Verb.TERMINATION,
        )
    return termination


def termination_approvers(termination: Termination) -> Any:
    """Who may approve this application to stop the use: the holders of the role the pack names
    (Kobe §7.1①: the 情報セキュリティ管理者), never the one who applied; nobody where none is required."""
    if not termination.approval_required:
        return get_user_model().objects.none()
    role = termination.approval_basis["role"]
    return users_with_role(termination.entry.municipality, role).exclude(pk=termination.requested_by_id)


def approve_termination(*, acting_user: Actor, termination: Termination, note: str = "") -> Termination:
    """The approver the pack names approves the application to stop the use (Kobe §7.1①): from then
    on the information and the accounts may be disposed of."""
    with transaction.atomic():
        locked = Termination.objects.select_for_update().select_related("entry").get(pk=termination.pk)
        if not locked.approval_required:
            raise WorkflowError(
                gettext_lazy("this termination needs no approval"),
                code="approval_not_required",
            )
        if not termination_approvers(locked).filter(pk=acting_user.pk, is_active=True).exists():
            raise PermissionDenied(
                _("Only the %(title)s may approve this application to stop the use.")
                % {"title": locked.approval_basis["title"]}
            )
        if locked.status != TerminationStatus.IN_PROGRESS:
            raise WorkflowError(
                gettext_lazy("this termination is already complete"),
                code="completed",
            )
        if locked.approved_at is not None:
            raise WorkflowError(
                gettext_lazy("this application to stop the use is already approved"),
                code="already_approved",
            )
        fields = ("approved_by", "approved_at", "approval_note")
        before = state_of(locked, *fields)
        locked.approved_by, locked.approved_at, locked.approval_note = (
            signed_in(acting_user),
            timezone.now(),
            note.strip(),
        )
        locked.save(update_fields=list(fields))
        _record_step(acting_user, locked, TerminationStep.APPROVAL, before, *fields)
        text = Message(
            gettext_noop("%(who)s approved ending the use of %(service)s."),
            {
                "who": display_name(acting_user),
                "service": locked.entry,
            },
        )
        notify(
            active_users([locked.requested_by_id, locked.entry.service_manager_id]),
            text,
            locked.get_absolute_url(),
            municipality=locked.entry.municipality,
            verb=Verb.TERMINATION,
        )
    return locked


def _require_approval(termination: Termination) -> None:
    """Refuse disposal before the approval the pack asks for (Kobe §7.1①, before ④⑤), citing it."""
    if not termination.approval_required or termination.approved_at is not None:
        return
    basis = termination.approval_basis
    found = citation(basis["source"])
    cited = found.text if found else ""
    raise WorkflowError(
        gettext_lazy(
            "the information and the accounts are disposed of only after the %(title)s has approved "
            "the application to stop the use (%(cited)s); wait for the approval"
        ),
        code="termination_not_approved",
        params={"title": basis["title"], "cited": cited},
    )


def record_termination_plan(
    *, acting_user: Actor, termination: Termination, text: str, document: UploadedFile[bytes] | None = None
) -> Termination:
    """The migration or termination plan (Amagasaki (２以上)4.5, seed 004 運用・保守時 No.18)."""
    text = text.strip()
    if not text and document is None:
        raise WorkflowError(
            gettext_lazy("write the plan or attach it"),
            code="plan_required",
        )
    with transaction.atomic():
        locked = _lock_termination(acting_user, termination)
        before = state_of(locked, "plan_text", "plan_file", "plan_recorded_at")
        locked.plan_text = text
        changed = ["plan_text", "plan_recorded_at"]
        if document is not None:
            locked.plan_file_name = keep(locked.plan_file, document, default="plan")
            changed += ["plan_file", "plan_file_name"]
        locked.plan_recorded_at = timezone.now()
        locked.save(update_fields=changed)
        _record_step(
            acting_user, locked, TerminationStep.PLAN, before, "plan_text", "plan_file", "plan_recorded_at"
        )
    return locked


def record_user_notice(
    *, acting_user: Actor, termination: Termination, notified_on: datetime.date, note: str
) -> Termination:
    """The date users were told in advance when the use ends (Amagasaki (２以上)4.5)."""
    note = note.strip()
    if notified_on > timezone.localdate():
        raise WorkflowError(
            gettext_lazy("the notice date is in the future"),
            code="date",
        )
    with transaction.atomic():
        locked = _lock_termination(acting_user, termination)
        fields = ("users_notified_on", "notice_note", "notice_recorded_at")
        before = state_of(locked, *fields)
        locked.users_notified_on, locked.notice_note, locked.notice_recorded_at = (
            notified_on,
            note,
            timezone.now(),
        )
        locked.save(update_fields=list(fields))
        _record_step(acting_user, locked, TerminationStep.NOTICE, before, *fields)
    return locked


def record_disposal(
    *, acting_user: Actor, termination: Termination, method: str, key_backups_deleted: bool, note: str
) -> Termination:
    """How the information was disposed of; crypto-erase with key backups deleted where the judgment asks."""
    method = DisposalMethod(method)
    note = note.strip()
    with transaction.atomic():
        locked = _lock_termination(acting_user, termination)
        _require_approval(locked)
        if locked.crypto_erase_required and (
            method != DisposalMethod.CRYPTO_ERASE or not key_backups_deleted
        ):
            clauses_ja = "、".join(
                f"{i['source']['file']} {i['source']['clause']}" for i in locked.crypto_erase_basis
            )
            raise WorkflowError(
                gettext_lazy(
                    "this service's information must be crypto-erased and every backup of the keys deleted "
                    "(%(clauses_ja)s)"
                ),
                code="crypto_erase_required",
                params={"clauses_ja": clauses_ja},
            )
        if not note:
            raise WorkflowError(
                gettext_lazy("record what was disposed of, when and how"),
                code="note_required",
            )
        fields = ("disposal_method", "key_backups_deleted", "disposal_note", "disposal_recorded_at")
        before = state_of(locked, *fields)
        locked.disposal_method, locked.key_backups_deleted = method, key_backups_deleted
        locked.disposal_note, locked.disposal_recorded_at = note, timezone.now()
        locked.save(update_fields=list(fields))
        _record_step(acting_user, locked, TerminationStep.DISPOSAL, before, *fields)
    return locked


_ACCOUNT_FIELDS = {
    TerminationStep.USER_ACCOUNTS: ("user_accounts", "user_accounts_at"),
    TerminationStep.ADMIN_ACCOUNTS: ("admin_accounts", "admin_accounts_at"),
    TerminationStep.SPECIAL_ACCOUNTS: ("special_accounts", "special_accounts_at"),
}


def confirm_accounts(*, acting_user: Actor, termination: Termination, step: str, outcome: str) -> Termination:
    """Confirm that the user, administrator or special accounts were deleted (or that none existed)."""
    step = TerminationStep(step)
    outcome = AccountOutcome(outcome)
    if step not in _ACCOUNT_FIELDS:
        raise WorkflowError(
            gettext_lazy("%(step)s is not an account step"), code="step", params={"step": step}
        )
    field, at_field = _ACCOUNT_FIELDS[step]
    with transaction.atomic():
        locked = _lock_termination(acting_user, termination)
        _require_approval(locked)
        before = state_of(locked, field, at_field)
        setattr(locked, field, outcome)
        setattr(locked, at_field, timezone.now())
        locked.save(update_fields=[field, at_field])
        _record_step(acting_user, locked, step, before, field, at_field)
    return locked


def complete_termination(*, acting_user: Actor, termination: Termination, note: str) -> Termination:
    """Record that every step was done (Kobe §7.1⑥) and retire the entry: 廃止済み, kept in the ledger."""
    note = note.strip()
    if not note:
        raise WorkflowError(
            gettext_lazy("write the completion record"),
            code="note_required",
        )
    with transaction.atomic():
        locked = _lock_termination(acting_user, termination)
        open_steps = locked.open_steps()
        if open_steps:
            raise gates.termination_open(open_steps)
        fields = ("status", "completion_note", "completed_by", "completed_at")
        before = state_of(locked, *fields)
        locked.status = TerminationStatus.COMPLETED
        locked.completion_note, locked.completed_by, locked.completed_at = (
            note,
            signed_in(acting_user),
            timezone.now(),
        )
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_TERMINATION_COMPLETE, locked, before, state_of(locked, *fields))
        entries.retire(acting_user=acting_user, entry=locked.entry, reason=note)
    return locked


def _lock_termination(acting_user: Actor, termination: Termination) -> Termination:
    locked = Termination.objects.select_for_update().select_related("entry").get(pk=termination.pk)
    if not can(acting_user, Capability.MANAGE_LEDGER, locked.entry):
        raise PermissionDenied(
            _("Only the %(service_manager)s or an administrator may record the termination.")
            % in_sentence(locked.entry.municipality)
        )
    if locked.status != TerminationStatus.IN_PROGRESS:
        raise WorkflowError(
            gettext_lazy("this termination is already complete"),
            code="completed",
        )
    return locked


def _record_step(
    acting_user: Actor, termination: Termination, step: TerminationStep, before: dict[str, Any], *fields: str
) -> None:
    record(
        acting_user,
        Action.LIFECYCLE_TERMINATION_STEP,
        termination,
        before,
        state_of(termination, *fields) | {"step": step.value},
    )
