"""Every state change in a service's life after approval.

Each action takes the acting user (None: kumokan itself, e.g. the scheduled jobs or `demo`), locks its
row, checks role and state, saves with update_fields and writes its audit row in one transaction;
notifications are rows now and e-mail on commit (kumokan.notifications.actions.notify).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.catalog.models import Provider
from kumokan.core.actors import SYSTEM, display_name, is_system, person
from kumokan.core.citations import citation
from kumokan.core.permissions import Capability, can
from kumokan.errors import WorkflowError, check_version
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle import entries, gates
from kumokan.lifecycle.access import governors, governs, is_member, overseers
from kumokan.lifecycle.choices import (
    AccountOutcome,
    CorrectiveStatus,
    DisposalMethod,
    IncidentStatus,
    OrderScope,
    OrderTrigger,
    RecheckResult,
    RecheckStatus,
    RecheckTrigger,
    TaskPhase,
    TaskStatus,
    TerminationStatus,
    TerminationStep,
)
from kumokan.lifecycle.models import (
    CalendarFeed,
    ChecklistTask,
    CorrectiveAction,
    Incident,
    IncidentNote,
    LifecycleSettings,
    Recheck,
    RecheckOrder,
    Termination,
    new_feed_token,
)
from kumokan.lifecycle.rules import crypto_erase_items, recheck_rules, snapshot_of, termination_approval
from kumokan.lifecycle.schedule import (
    RECHECK_FIELDS,
    close_order_if_answered,
    schedule_periodic_rechecks,
    settings_for,
)
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.policy import PackError, PolicyError, load_pack, load_text, text_digest
from kumokan.policy.diff import affected_items
from kumokan.policy.pack import Pack
from kumokan.tenancy.access import has_role, users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Municipality, PackAdoption, PackVersion
from kumokan.webhooks.choices import EventType
from kumokan.webhooks.events import emit

# A service whose use has not ended: it may be re-checked, have incidents and be terminated.
ACTIVE_STATUSES = (EntryStatus.APPROVED, EntryStatus.IN_OPERATION, EntryStatus.SUSPENDED)


@contextmanager
def _default_language() -> Any:
    """Notifications are stored once for their reader: in the municipality's language, Japanese."""
    with override(settings.LANGUAGE_CODE):
        yield


# ── phase checklists ────────────────────────────────────────────────────────────────────────────


def open_checklists(*, acting_user: Any, entry: LedgerEntry) -> int:
    """Open the phase checklists of a service that entered the ledger already in operation (an imported
    ledger gives it none, kumokan.lifecycle.gates.open_tasks_of_new_entries): every item of its
    judgment that is not a task yet becomes one, as on approval; how many."""
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if not can(acting_user, Capability.MANAGE_LEDGER, locked):
            raise PermissionDenied(_("Only the service manager or an administrator may open its checklists."))
        _require_active(locked)
        opened = gates.open_phase_tasks(locked, acting_user=acting_user)
        if not opened:
            raise WorkflowError(
                "このサービスのチェックリストは既に作成されています。",
                "the checklists of this service are open already",
                code="unchanged",
            )
    return opened


def decide_task(
    *,
    acting_user: Any,
    task: ChecklistTask,
    status: str,
    note: str = "",
    evidence: UploadedFile | None = None,
    expected_version: int | None = None,
) -> ChecklistTask:
    """Record a checklist task as confirmed, not applicable or nonconforming (or open it again)."""
    status = TaskStatus(status)
    note = note.strip()
    with transaction.atomic():
        locked = ChecklistTask.objects.select_for_update().select_related("entry").get(pk=task.pk)
        _require_task_owner(acting_user, locked)
        _require_active(locked.entry)
        check_version("チェック項目", "task", locked.version, expected_version)
        if status in (TaskStatus.NOT_APPLICABLE, TaskStatus.NONCONFORMING) and not note:
            raise WorkflowError(
                "「該当なし」「不適合」には理由を記入してください。",
                "say why the item does not apply or does not conform",
                code="note_required",
            )
        if status == locked.status and note == locked.note and evidence is None:
            raise WorkflowError("変更された項目がありません。", "nothing was changed", code="unchanged")
        fields = ("status", "note", "evidence", "confirmed_by", "confirmed_at")
        before = state_of(locked, *fields)
        locked.status = status
        locked.note = note
        if status == TaskStatus.OPEN:
            locked.confirmed_by, locked.confirmed_at = None, None
        else:
            locked.confirmed_by, locked.confirmed_at = acting_user, timezone.now()
        changed = ["status", "note", "confirmed_by", "confirmed_at"]
        if evidence is not None:
            locked.evidence.save(evidence.name, evidence, save=False)
            locked.evidence_name = Path(evidence.name).name[:255]
            changed += ["evidence", "evidence_name"]
        locked.save(update_fields=changed)
        record(acting_user, Action.LIFECYCLE_TASK_DECIDE, locked, before, state_of(locked, *fields))
    return locked


@dataclass(frozen=True)
class TaskConfirmation:
    """One item of a bulk confirmation: the task as read, and the evidence attached to it (if any)."""

    task: ChecklistTask
    expected_version: int | None = None
    evidence: UploadedFile | None = None


def confirm_tasks(
    *, acting_user: Any, entry: LedgerEntry, confirmations: Sequence[TaskConfirmation], note: str = ""
) -> list[ChecklistTask]:
    """Confirm several checklist tasks of one entry at once, each through decide_task: all or none.

    Every refusal is collected (each item named) before anything is undone, so the person sees them all.
    """
    if not confirmations:
        raise WorkflowError(
            "確認済みにする項目を選んでください。", "choose the items to confirm", code="nothing_chosen"
        )
    stored: list[ChecklistTask] = []
    refusals: list[WorkflowError] = []
    try:
        with transaction.atomic():
            for confirmation in confirmations:
                task = confirmation.task
                if task.entry_id != entry.pk:
                    raise WorkflowError(
                        "別のサービスの項目が含まれています。",
                        "an item of another service was sent",
                        code="other_entry",
                    )
                try:
                    with transaction.atomic():
                        done = decide_task(
                            acting_user=acting_user,
                            task=task,
                            status=TaskStatus.CONFIRMED,
                            note=note,
                            evidence=confirmation.evidence,
                            expected_version=confirmation.expected_version,
                        )
                except WorkflowError as exc:
                    label = f"〔{task.source.get('clause', '')}〕{task.text[:40]}"
                    refusals.append(WorkflowError(f"{label}: {exc.ja}", f"{label}: {exc.en}", code=exc.code))
                else:
                    stored.append(done)
            if refusals:
                raise WorkflowError(
                    f"{len(refusals)}件の項目を確認済みにできませんでした。どの項目も記録していません。",
                    f"{len(refusals)} item(s) could not be confirmed; nothing was recorded",
                    code="tasks_refused",
                    details=tuple(refusals),
                )
    except BaseException:
        # The rows are rolled back; the files stored for them would be orphans in the evidence storage.
        for done in stored:
            if done.evidence and any(c.evidence is not None and c.task.pk == done.pk for c in confirmations):
                done.evidence.storage.delete(done.evidence.name)
        raise
    return stored


def assign_task(
    *, acting_user: Any, task: ChecklistTask, responsible: Any, due_date: datetime.date | None
) -> ChecklistTask:
    """Name who carries out a task and by when; the new person is told."""
    with transaction.atomic():
        locked = ChecklistTask.objects.select_for_update().select_related("entry").get(pk=task.pk)
        if not can(acting_user, Capability.MANAGE_LEDGER, locked.entry):
            raise PermissionDenied(_("Only the service manager or an administrator may assign tasks."))
        _require_active(locked.entry)
        if responsible is not None and not is_member(responsible, locked.entry.municipality):
            raise WorkflowError(
                f"{display_name(responsible)}さんはこの自治体の職員として登録されていません。",
                f"{responsible.get_username()} is not a member of this municipality",
                code="not_member",
            )
        if responsible == locked.responsible and due_date == locked.due_date:
            raise WorkflowError("変更された項目がありません。", "nothing was changed", code="unchanged")
        before = state_of(locked, "responsible", "due_date")
        newly_responsible = responsible is not None and responsible.pk != locked.responsible_id
        locked.responsible, locked.due_date = responsible, due_date
        locked.save(update_fields=["responsible", "due_date"])
        record(
            acting_user,
            Action.LIFECYCLE_TASK_ASSIGN,
            locked,
            before,
            state_of(locked, "responsible", "due_date"),
        )
        if newly_responsible and responsible.pk != getattr(acting_user, "pk", None):
            text = Message(
                gettext_noop("You are responsible for a checklist item of %(service)s."),
                {"service": locked.entry},
            )
            notify(
                [responsible],
                text,
                _entry_url(locked.entry),
                municipality=locked.entry.municipality,
                verb=Verb.TASK_ASSIGNED,
            )
    return locked


# ── re-checks ───────────────────────────────────────────────────────────────────────────────────


def answer_recheck(
    *, acting_user: Any, recheck: Recheck, result: str, note: str, expected_version: int | None = None
) -> Recheck:
    """The service manager's answer: conforms, or does not conform and why (Kobe §6.1, §6.3)."""
    result = RecheckResult(result)
    note = note.strip()
    with transaction.atomic():
        entry = LedgerEntry.objects.select_for_update().get(pk=recheck.entry_id)
        locked = Recheck.objects.select_for_update().get(pk=recheck.pk)
        if not acting_user.is_authenticated or entry.service_manager_id != acting_user.pk:
            raise PermissionDenied(_("Only the service manager of this service may answer its re-checks."))
        check_version("再確認", "re-check", locked.version, expected_version)
        if locked.status != RecheckStatus.OPEN:
            raise WorkflowError(
                "この再確認には既に回答済みです（または取り消されています）。",
                "this re-check has already been answered or was cancelled",
                code="not_open",
            )
        if result == RecheckResult.NONCONFORMING and not note:
            raise WorkflowError(
                "「不適合」の場合は、適合しない点を記入してください。",
                "say what does not conform",
                code="note_required",
            )
        fields = ("status", "answer_note", "answered_by", "answered_at")
        before = state_of(locked, *fields)
        locked.status = RecheckStatus(result.value)
        locked.answer_note = note
        locked.answered_by, locked.answered_at = acting_user, timezone.now()
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_RECHECK_ANSWER, locked, before, state_of(locked, *fields))
        told = set()
        if locked.order_id is not None:
            close_order_if_answered(locked.order, acting_user=acting_user)
            told.add(locked.order.ordered_by_id)
        if locked.rule_key:
            schedule_periodic_rechecks(entry, today=timezone.localdate(), acting_user=acting_user)
        if result == RecheckResult.NONCONFORMING:
            told |= set(governors(entry.municipality).values_list("pk", flat=True))
        told.discard(acting_user.pk)
        if told:
            text = Message(
                gettext_noop("%(manager)s answered the re-check of %(service)s: %(result)s."),
                {
                    "manager": display_name(acting_user),
                    "service": entry,
                    "result": result.label,
                },
            )
            notify(
                _users(told),
                text,
                locked.get_absolute_url(),
                municipality=entry.municipality,
                verb=Verb.RECHECK_ANSWERED,
            )
    return locked


def order_recheck(
    *,
    acting_user: Any,
    municipality: Any,
    trigger: str,
    details: str,
    due_date: datetime.date,
    entry: LedgerEntry | None = None,
    provider: Provider | None = None,
) -> RecheckOrder:
    """Order the service manager(s) to re-check one service or every service of a provider (Kobe §6.3)."""
    trigger = OrderTrigger(trigger)
    details = details.strip()
    if not governs(acting_user, municipality):
        raise PermissionDenied(_("Only a security manager or the chief may order a re-check."))
    if (entry is None) == (provider is None):
        raise WorkflowError(
            "再確認の対象として、サービスか提供者のどちらか一方を指定してください。",
            "name either one service or one provider",
            code="scope",
        )
    if not details:
        raise WorkflowError(
            "指示の内容を記入してください。", "say what is to be checked", code="details_required"
        )
    if due_date < timezone.localdate():
        raise WorkflowError(
            "回答期限は今日以降にしてください。", "the due date is in the past", code="due_date"
        )
    with transaction.atomic():
        if entry is not None:
            if entry.municipality_id != municipality.pk:
                raise PermissionDenied(_("This service belongs to another municipality."))
            targets = list(
                LedgerEntry.objects.select_for_update().filter(pk=entry.pk, status__in=ACTIVE_STATUSES)
            )
            scope = OrderScope.SERVICE
        else:
            assert provider is not None
            if provider.municipality_id != municipality.pk:
                raise PermissionDenied(_("This provider belongs to another municipality."))
            targets = list(
                LedgerEntry.objects.select_for_update()
                .filter(municipality=municipality, service__provider=provider, status__in=ACTIVE_STATUSES)
                .order_by("id")
            )
            scope = OrderScope.PROVIDER
        if not targets:
            raise WorkflowError(
                "再確認の対象となる利用中のサービスがありません。",
                "no service in use to re-check",
                code="no_target",
            )
        order = RecheckOrder.objects.create(
            municipality=municipality,
            trigger=trigger,
            scope=scope,
            entry=entry,
            provider=provider,
            details=details,
            due_date=due_date,
            ordered_by=acting_user,
        )
        record(
            acting_user,
            Action.LIFECYCLE_ORDER_CREATE,
            order,
            None,
            state_of(order, "trigger", "scope", "entry", "provider", "details", "due_date"),
        )
        for target in targets:
            recheck = _open_recheck(
                acting_user,
                target,
                RecheckTrigger(trigger.value),
                due_date,
                basis_triggers=(trigger.value, RecheckTrigger.ORDERED),
                order=order,
            )
            text = Message(
                gettext_noop("%(who)s orders a re-check of %(service)s (%(reason)s) by %(date)s."),
                {
                    "who": display_name(acting_user),
                    "service": target,
                    "reason": trigger.label,
                    "date": due_date.isoformat(),
                },
            )
            notify(
                [target.service_manager],
                text,
                recheck.get_absolute_url(),
                municipality=municipality,
                verb=Verb.RECHECK_ORDERED,
            )
    return order


def remind_recheck(recheck: Recheck, *, today: datetime.date) -> bool:
    """Tell the service manager a re-check falls due soon (once); False if it no longer needs it."""
    with transaction.atomic():
        locked = Recheck.objects.select_for_update().select_related("entry").get(pk=recheck.pk)
        if locked.status != RecheckStatus.OPEN or locked.reminded_at is not None or locked.due_date < today:
            return False
        before = state_of(locked, "reminded_at")
        locked.reminded_at = timezone.now()
        locked.save(update_fields=["reminded_at"])
        record(SYSTEM, Action.LIFECYCLE_RECHECK_REMIND, locked, before, state_of(locked, "reminded_at"))
        entry = locked.entry
        text = Message(
            gettext_noop("The %(kind)s of %(service)s is due on %(date)s."),
            {
                "kind": locked.get_trigger_display(),
                "service": entry,
                "date": locked.due_date.isoformat(),
            },
        )
        notify(
            [entry.service_manager],
            text,
            locked.get_absolute_url(),
            municipality=entry.municipality,
            verb=Verb.RECHECK_DUE,
        )
    return True


def escalate_recheck(recheck: Recheck, *, today: datetime.date) -> bool:
    """Tell the manager, the approver of the service's track and the chief that a re-check is overdue."""
    with transaction.atomic():
        locked = Recheck.objects.select_for_update().select_related("entry").get(pk=recheck.pk)
        if locked.status != RecheckStatus.OPEN or locked.escalated_at is not None or locked.due_date >= today:
            return False
        before = state_of(locked, "escalated_at")
        locked.escalated_at = timezone.now()
        locked.save(update_fields=["escalated_at"])
        entry = locked.entry
        recipients = [entry.service_manager, *overseers(entry)]
        after = state_of(locked, "escalated_at") | {"told": sorted({u.get_username() for u in recipients})}
        record(SYSTEM, Action.LIFECYCLE_RECHECK_ESCALATE, locked, before, after)
        emit(EventType.RECHECK_OVERDUE, entry.municipality, locked)
        text = Message(
            gettext_noop("The %(kind)s of %(service)s was due on %(date)s and has not been answered."),
            {
                "kind": locked.get_trigger_display(),
                "service": entry,
                "date": locked.due_date.isoformat(),
            },
        )
        notify(
            recipients,
            text,
            locked.get_absolute_url(),
            municipality=entry.municipality,
            verb=Verb.RECHECK_OVERDUE,
        )
    return True


def adopt_pack_version(
    *, acting_user: Any, municipality: Any, text: str
) -> tuple[PackVersion, list[Recheck]]:
    """Put this text of one of the municipality's packs in force, and re-check the services it touches.

    From then on every judgment there uses this text (Municipality.pack_in_force); judgments already
    made keep the version they record. The text may be one adopted before: going back to it is one
    more adoption (PackAdoption), judged against the text in force like any revision. Before the
    first adoption the installed file is in force, so the first is compared with it (adopting the
    installed text itself opens nothing). For every service in use, kumokan.policy.diff.affected_items decides from the service's own facts and track whether a
    changed item applies to it; only those services get a re-check, listing exactly those items.
    """
    if not is_system(acting_user) and not (
        acting_user.is_superuser or has_role(acting_user, municipality, Role.ADMINISTRATOR)
    ):
        raise PermissionDenied(_("Only an administrator of the municipality may adopt a pack version."))
    new = _load_pack_text(text)
    if new.id not in municipality.pack_ids():
        raise WorkflowError(
            f"パック「{new.id}」は{municipality}が使うパックではありません。",
            f"{municipality} does not use the pack {new.id!r}",
            code="pack_not_used",
        )
    digest = text_digest(text)
    today = timezone.localdate()
    with transaction.atomic():
        # One adoption at a time per municipality: each reads the text in force it replaces.
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        current = municipality.adopted_version(new.id)
        if current is not None and current.digest == digest:
            raise WorkflowError(
                f"{municipality}ではパック「{new.id}」のこの版（{new.version}）が既に適用中です。",
                f"this text of {new.id} ({new.version}) is already in force in {municipality}",
                code="already_adopted",
            )
        version, _created = PackVersion.objects.get_or_create(
            municipality=municipality,
            pack_id=new.id,
            digest=digest,
            defaults={"version": new.version, "text": text, "adopted_by": person(acting_user)},
        )
        adoption = PackAdoption.objects.create(
            municipality=municipality,
            pack_id=new.id,
            version=version,
            previous=current,
            adopted_by=person(acting_user),
        )
        rechecks: list[Recheck] = []
        old = replaced_rules(new.id, current)
        if old is not None:
            due = today + datetime.timedelta(days=settings_for(municipality).triggered_recheck_days)
            entries = LedgerEntry.objects.select_for_update().filter(
                municipality=municipality, status__in=ACTIVE_STATUSES
            )
            for entry in entries.order_by("id"):
                snapshot = snapshot_of(entry)
                changes = affected_items(old, new, snapshot.facts, snapshot.track)
                if not changes:
                    continue
                items = [
                    {
                        "pack": new.id,
                        "id": c.id,
                        "kind": c.kind,
                        "fields": list(c.fields),
                        "old": c.old,
                        "new": c.new,
                    }
                    for c in changes
                ]
                recheck = _open_recheck(
                    acting_user, entry, RecheckTrigger.PACK_REVISION, due, items=items, pack_version=version
                )
                rechecks.append(recheck)
                message = Message(
                    gettext_noop(
                        "The rules were revised (%(pack)s %(old)s → %(new)s): re-check %(service)s."
                    ),
                    {
                        "pack": new.rules_name,
                        "old": old.version,
                        "new": new.version,
                        "service": entry,
                    },
                )
                notify(
                    [entry.service_manager],
                    message,
                    recheck.get_absolute_url(),
                    municipality=municipality,
                    verb=Verb.RECHECK_ORDERED,
                )
        record(
            acting_user,
            Action.LIFECYCLE_PACK_ADOPT,
            adoption,
            {"version": old.version, "digest": current.digest if current else None} if old else None,
            state_of(version, "pack_id", "version", "digest")
            | {"adopted_before": not _created, "rechecks": [r.pk for r in rechecks]},
        )
    municipality.forget_packs_in_force()
    return version, rechecks


def configure_lifecycle(
    *,
    acting_user: Any,
    municipality: Any,
    default_recheck_interval_months: int,
    reminder_days: int,
    triggered_recheck_days: int,
    incident_procedure: str,
) -> LifecycleSettings:
    """Set the values the municipality's rules leave open (the administrator)."""
    if not is_system(acting_user) and not has_role(acting_user, municipality, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only an administrator of the municipality may change these settings."))
    if default_recheck_interval_months < 1 or reminder_days < 0 or triggered_recheck_days < 1:
        raise WorkflowError(
            "周期は1か月以上、回答期限は1日以上、事前通知は0日以上にしてください。",
            "the interval must be at least one month, the answer time at least one day",
            code="settings",
        )
    fields = (
        "default_recheck_interval_months",
        "reminder_days",
        "triggered_recheck_days",
        "incident_procedure",
    )
    with transaction.atomic():
        current, _created = LifecycleSettings.objects.select_for_update().get_or_create(
            municipality=municipality
        )
        before = state_of(current, *fields)
        current.default_recheck_interval_months = default_recheck_interval_months
        current.reminder_days = reminder_days
        current.triggered_recheck_days = triggered_recheck_days
        current.incident_procedure = incident_procedure.strip()
        current.updated_at = timezone.now()
        after = state_of(current, *fields)
        if before == after and not _created:
            raise WorkflowError("設定は変わっていません。", "the settings are unchanged", code="unchanged")
        current.save()
        record(acting_user, Action.LIFECYCLE_SETTINGS, current, before, after, municipality=municipality)
    return current


# ── incidents and corrective actions ────────────────────────────────────────────────────────────


def report_incident(
    *,
    acting_user: Any,
    entry: LedgerEntry,
    title: str,
    description: str,
    occurred_at: datetime.datetime | None = None,
) -> Incident:
    """Any member of the municipality reports an incident on a service; a re-check follows (Kobe §6.1)."""
    title, description = title.strip(), description.strip()
    if not is_member(acting_user, entry.municipality):
        raise PermissionDenied(_("Only staff of this municipality may report an incident on its services."))
    if not title or not description:
        raise WorkflowError(
            "件名と内容を記入してください。", "give a title and say what happened", code="details_required"
        )
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        _require_active(locked)
        incident = Incident.objects.create(
            entry=locked,
            title=title,
            description=description,
            occurred_at=occurred_at,
            reported_by=acting_user,
        )
        record(
            acting_user,
            Action.LIFECYCLE_INCIDENT_REPORT,
            incident,
            None,
            state_of(incident, "entry", "title", "description", "occurred_at", "status"),
        )
        due = timezone.localdate() + datetime.timedelta(
            days=settings_for(locked.municipality).triggered_recheck_days
        )
        _open_recheck(
            acting_user,
            locked,
            RecheckTrigger.INCIDENT,
            due,
            basis_triggers=(RecheckTrigger.INCIDENT,),
            incident=incident,
        )
        text = Message(
            gettext_noop("%(who)s reported an incident on %(service)s: %(title)s"),
            {
                "who": display_name(acting_user),
                "service": locked,
                "title": title,
            },
        )
        notify(
            [locked.service_manager, *governors(locked.municipality)],
            text,
            incident.get_absolute_url(),
            municipality=locked.municipality,
            verb=Verb.INCIDENT,
        )
    return incident


def start_incident_handling(*, acting_user: Any, incident: Incident) -> Incident:
    """The service manager takes the incident up (報告済み → 対応中)."""
    with transaction.atomic():
        locked = _lock_incident(acting_user, incident)
        if locked.status != IncidentStatus.REPORTED:
            raise WorkflowError(
                "このインシデントは既に対応中か完了しています。",
                "the incident is already being handled",
                code="state",
            )
        fields = ("status", "handled_by", "handling_started_at")
        before = state_of(locked, *fields)
        locked.status = IncidentStatus.HANDLING
        locked.handled_by, locked.handling_started_at = acting_user, timezone.now()
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_INCIDENT_HANDLE, locked, before, state_of(locked, *fields))
    return locked


def add_incident_note(*, acting_user: Any, incident: Incident, text: str) -> IncidentNote:
    """Record one step of handling an open incident."""
    text = text.strip()
    if not text:
        raise WorkflowError("記録する内容を記入してください。", "the note is empty", code="note_required")
    with transaction.atomic():
        locked = _lock_incident(acting_user, incident)
        if locked.status == IncidentStatus.CLOSED:
            raise WorkflowError(
                "完了したインシデントには記録を追加できません。", "the incident is closed", code="state"
            )
        note = IncidentNote.objects.create(incident=locked, text=text, written_by=acting_user)
        record(acting_user, Action.LIFECYCLE_INCIDENT_NOTE, note, None, state_of(note, "incident", "text"))
    return note


def close_incident(*, acting_user: Any, incident: Incident, resolution: str) -> Incident:
    """Close a handled incident with how it was resolved (対応中 → 完了)."""
    resolution = resolution.strip()
    if not resolution:
        raise WorkflowError(
            "対応結果を記入してください。", "say how the incident was resolved", code="note_required"
        )
    with transaction.atomic():
        locked = _lock_incident(acting_user, incident)
        if locked.status != IncidentStatus.HANDLING:
            raise WorkflowError(
                "対応中のインシデントだけを完了にできます。",
                "only an incident being handled can be closed",
                code="state",
            )
        fields = ("status", "resolution", "closed_at")
        before = state_of(locked, *fields)
        locked.status, locked.resolution, locked.closed_at = IncidentStatus.CLOSED, resolution, timezone.now()
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_INCIDENT_CLOSE, locked, before, state_of(locked, *fields))
        text = Message(
            gettext_noop("The incident on %(service)s was closed: %(title)s"),
            {
                "service": locked.entry,
                "title": locked.title,
            },
        )
        notify(
            [locked.reported_by, *governors(locked.entry.municipality)],
            text,
            locked.get_absolute_url(),
            municipality=locked.entry.municipality,
            verb=Verb.INCIDENT,
        )
    return locked


def open_corrective_action(
    *,
    acting_user: Any,
    entry: LedgerEntry,
    description: str,
    owner: Any,
    deadline: datetime.date,
    incident: Incident | None = None,
    recheck: Recheck | None = None,
) -> CorrectiveAction:
    """Bring a nonconforming service back into line (Kobe §6.2): what, who and by when."""
    description = description.strip()
    if not (can(acting_user, Capability.MANAGE_LEDGER, entry) or governs(acting_user, entry.municipality)):
        raise PermissionDenied(
            _("Only the service manager, a security manager or the chief may open a corrective action.")
        )
    if not description:
        raise WorkflowError(
            "是正する内容を記入してください。", "say what must be corrected", code="details_required"
        )
    if not is_member(owner, entry.municipality):
        raise WorkflowError(
            f"{display_name(owner)}さんはこの自治体の職員として登録されていません。",
            f"{owner.get_username()} is not a member of this municipality",
            code="not_member",
        )
    if deadline < timezone.localdate():
        raise WorkflowError("期限は今日以降にしてください。", "the deadline is in the past", code="deadline")
    for linked in (incident, recheck):
        if linked is not None and linked.entry_id != entry.pk:
            raise WorkflowError(
                "別のサービスの記録とは結び付けられません。",
                "the record belongs to another service",
                code="other_entry",
            )
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        _require_active(locked)
        action = CorrectiveAction.objects.create(
            entry=locked,
            incident=incident,
            recheck=recheck,
            description=description,
            owner=owner,
            deadline=deadline,
            opened_by=acting_user,
        )
        record(
            acting_user,
            Action.LIFECYCLE_CORRECTIVE_OPEN,
            action,
            None,
            state_of(action, "entry", "incident", "recheck", "description", "owner", "deadline", "status"),
        )
        text = Message(
            gettext_noop("Corrective action on %(service)s by %(date)s: %(what)s"),
            {
                "service": locked,
                "date": deadline.isoformat(),
                "what": description,
            },
        )
        notify(
            [owner, locked.service_manager],
            text,
            _entry_url(locked),
            municipality=locked.municipality,
            verb=Verb.CORRECTIVE_ACTION,
        )
    return action


def close_corrective_action(
    *, acting_user: Any, action: CorrectiveAction, corrected: bool, result: str
) -> CorrectiveAction:
    """Record the result: corrected, or cannot be corrected, which suspends the service (Kobe §6.2)."""
    result = result.strip()
    if not result:
        raise WorkflowError("結果を記入してください。", "give the result", code="note_required")
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().select_related("entry").get(pk=action.pk)
        entry = locked.entry
        if corrected:
            if not (can(acting_user, Capability.MANAGE_LEDGER, entry) or acting_user.pk == locked.owner_id):
                raise PermissionDenied(
                    _("Only the owner or the service manager may close this corrective action.")
                )
        elif not can(acting_user, Capability.MANAGE_LEDGER, entry):
            # Stopping the use is the service manager's duty (Kobe §6.2).
            raise PermissionDenied(
                _("Only the service manager may declare that the service cannot be corrected.")
            )
        if locked.status != CorrectiveStatus.OPEN:
            raise WorkflowError(
                "この是正措置は既に完了しています。", "this corrective action is closed", code="state"
            )
        fields = ("status", "result", "closed_by", "closed_at")
        before = state_of(locked, *fields)
        locked.status = CorrectiveStatus.CORRECTED if corrected else CorrectiveStatus.UNCORRECTABLE
        locked.result, locked.closed_by, locked.closed_at = result, acting_user, timezone.now()
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_CORRECTIVE_CLOSE, locked, before, state_of(locked, *fields))
        if not corrected:
            if entry.status == EntryStatus.IN_OPERATION:
                with _default_language():
                    reason = _("Cannot be corrected: %(result)s") % {"result": result}
                entries.suspend(acting_user=acting_user, entry=entry, reason=reason)
            text = Message(
                gettext_noop("%(service)s cannot be corrected and its use is stopped: %(result)s"),
                {
                    "service": entry,
                    "result": result,
                },
            )
            notify(
                governors(entry.municipality),
                text,
                _entry_url(entry),
                municipality=entry.municipality,
                verb=Verb.CORRECTIVE_ACTION,
            )
    return locked


# ── termination ─────────────────────────────────────────────────────────────────────────────────


def request_termination(*, acting_user: Any, entry: LedgerEntry, reason: str) -> Termination:
    """The service manager reports or applies for the end of use (Kobe §7.1①, Amagasaki (２以上)4.2（３）)."""
    reason = reason.strip()
    if not reason:
        raise WorkflowError(
            "利用を終了する理由を記入してください。", "give the reason", code="reason_required"
        )
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if not can(acting_user, Capability.MANAGE_LEDGER, locked):
            raise PermissionDenied(
                _("Only the service manager or an administrator may end the use of a service.")
            )
        _require_active(locked)
        if Termination.objects.filter(entry=locked).exists():
            raise WorkflowError(
                "このサービスの利用終了は既に届け出られています。",
                "termination was already requested",
                code="duplicate",
            )
        # The termination items to record on the way: an entry imported in operation has none yet.
        gates.open_phase_tasks(locked, acting_user=acting_user, phases=[TaskPhase.TERMINATION])
        basis = crypto_erase_items(snapshot_of(locked))
        approval = termination_approval(locked)
        termination = Termination.objects.create(
            entry=locked,
            reason=reason,
            requested_by=acting_user,
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


def approve_termination(*, acting_user: Any, termination: Termination, note: str = "") -> Termination:
    """The approver the pack names approves the application to stop the use (Kobe §7.1①): from then
    on the information and the accounts may be disposed of."""
    with transaction.atomic():
        locked = Termination.objects.select_for_update().select_related("entry").get(pk=termination.pk)
        if not locked.approval_required:
            raise WorkflowError(
                "この利用終了には承認の手続がありません。",
                "this termination needs no approval",
                code="approval_not_required",
            )
        if not termination_approvers(locked).filter(pk=acting_user.pk, is_active=True).exists():
            raise PermissionDenied(
                _("Only the %(title)s may approve this application to stop the use.")
                % {"title": locked.approval_basis["title"]}
            )
        if locked.status != TerminationStatus.IN_PROGRESS:
            raise WorkflowError(
                "この利用終了は既に完了しています。", "this termination is already complete", code="completed"
            )
        if locked.approved_at is not None:
            raise WorkflowError(
                "この利用中止の申請は既に承認されています。",
                "this application to stop the use is already approved",
                code="already_approved",
            )
        fields = ("approved_by", "approved_at", "approval_note")
        before = state_of(locked, *fields)
        locked.approved_by, locked.approved_at, locked.approval_note = (
            acting_user,
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
            _users([locked.requested_by_id, locked.entry.service_manager_id]),
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
        f"情報やアカウントの廃棄は、{basis['title']}が利用中止の申請を承認した後に行います（{cited}）。"
        f"{basis['title']}の承認を待ってください。",
        f"the information and the accounts are disposed of only after the {basis['title']} has approved "
        f"the application to stop the use ({cited}); wait for the approval",
        code="termination_not_approved",
    )


def record_termination_plan(
    *, acting_user: Any, termination: Termination, text: str, document: UploadedFile | None = None
) -> Termination:
    """The migration or termination plan (Amagasaki (２以上)4.5, seed 004 運用・保守時 No.18)."""
    text = text.strip()
    if not text and document is None:
        raise WorkflowError(
            "計画の内容を記入するか、計画書を添付してください。",
            "write the plan or attach it",
            code="plan_required",
        )
    with transaction.atomic():
        locked = _lock_termination(acting_user, termination)
        before = state_of(locked, "plan_text", "plan_file", "plan_recorded_at")
        locked.plan_text = text
        changed = ["plan_text", "plan_recorded_at"]
        if document is not None:
            locked.plan_file.save(document.name, document, save=False)
            locked.plan_file_name = Path(document.name).name[:255]
            changed += ["plan_file", "plan_file_name"]
        locked.plan_recorded_at = timezone.now()
        locked.save(update_fields=changed)
        _record_step(
            acting_user, locked, TerminationStep.PLAN, before, "plan_text", "plan_file", "plan_recorded_at"
        )
    return locked


def record_user_notice(
    *, acting_user: Any, termination: Termination, notified_on: datetime.date, note: str
) -> Termination:
    """The date users were told in advance when the use ends (Amagasaki (２以上)4.5)."""
    note = note.strip()
    if notified_on > timezone.localdate():
        raise WorkflowError(
            "周知した日に未来の日付は記録できません。", "the notice date is in the future", code="date"
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
    *, acting_user: Any, termination: Termination, method: str, key_backups_deleted: bool, note: str
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
                "このサービスの情報は、暗号鍵の削除による消去（暗号化消去）で廃棄し、暗号鍵のバックアップも"
                f"削除してください（{clauses_ja}）。",
                "this service's information must be crypto-erased and every backup of the keys deleted "
                f"({clauses_ja})",
                code="crypto_erase_required",
            )
        if not note:
            raise WorkflowError(
                "廃棄の実施内容（日時・対象・証明書など）を記入してください。",
                "record what was disposed of, when and how",
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


def confirm_accounts(*, acting_user: Any, termination: Termination, step: str, outcome: str) -> Termination:
    """Confirm that the user, administrator or special accounts were deleted (or that none existed)."""
    step = TerminationStep(step)
    outcome = AccountOutcome(outcome)
    if step not in _ACCOUNT_FIELDS:
        raise WorkflowError(
            "アカウントの種類が正しくありません。", f"{step} is not an account step", code="step"
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


def complete_termination(*, acting_user: Any, termination: Termination, note: str) -> Termination:
    """Record that every step was done (Kobe §7.1⑥) and retire the entry: 廃止済み, kept in the ledger."""
    note = note.strip()
    if not note:
        raise WorkflowError(
            "完了の記録を記入してください。", "write the completion record", code="note_required"
        )
    with transaction.atomic():
        locked = _lock_termination(acting_user, termination)
        open_steps = locked.open_steps()
        if open_steps:
            with override("ja"):
                ja = "、".join(str(s.label) for s in open_steps)
            with override("en"):
                en = ", ".join(str(s.label) for s in open_steps)
            raise WorkflowError(
                f"利用終了の手順が終わっていません（未了: {ja}）。",
                f"the termination is not complete (open: {en})",
                code="termination_open",
            )
        fields = ("status", "completion_note", "completed_by", "completed_at")
        before = state_of(locked, *fields)
        locked.status = TerminationStatus.COMPLETED
        locked.completion_note, locked.completed_by, locked.completed_at = note, acting_user, timezone.now()
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_TERMINATION_COMPLETE, locked, before, state_of(locked, *fields))
        entries.retire(acting_user=acting_user, entry=locked.entry, reason=note)
    return locked


# ── calendar ────────────────────────────────────────────────────────────────────────────────────


def regenerate_calendar_feed(*, acting_user: Any) -> CalendarFeed:
    """Give the user a new secret calendar address; the old one stops working at once."""
    if not acting_user.is_authenticated:
        raise PermissionDenied(_("Log in to get a calendar address."))
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=acting_user).first()
        if feed is None:
            feed = CalendarFeed.objects.create(user=acting_user)
            before = None
        else:
            before = {"created_at": feed.created_at.isoformat()}
            feed.token, feed.created_at = new_feed_token(), timezone.now()
            feed.save(update_fields=["token", "created_at"])
        # The token itself is a secret: the audit trail keeps only when it was made.
        record(
            acting_user,
            Action.LIFECYCLE_FEED_REGENERATE,
            feed,
            before,
            {"created_at": feed.created_at.isoformat()},
            municipality=None,
        )
    return feed


def open_event_recheck(
    entry: LedgerEntry, trigger: RecheckTrigger, *, today: datetime.date, acting_user: Any = SYSTEM
) -> Recheck:
    """A re-check of one service opened by an event kumokan notices itself (a lapsing certification:
    kumokan.lifecycle.lapses), due after the municipality's triggered_recheck_days; runs in the caller's
    transaction, which tells the service manager."""
    due_date = today + datetime.timedelta(days=settings_for(entry.municipality).triggered_recheck_days)
    return _open_recheck(acting_user, entry, trigger, due_date)


# ── helpers ─────────────────────────────────────────────────────────────────────────────────────


def _open_recheck(
    acting_user: Any,
    entry: LedgerEntry,
    trigger: RecheckTrigger,
    due_date: datetime.date,
    *,
    basis_triggers: Iterable[str] = (),
    **links: Any,
) -> Recheck:
    """A triggered re-check of one service, citing the judgment's rules for these triggers."""
    snapshot = snapshot_of(entry)
    basis: list[dict[str, Any]] = []
    for name in basis_triggers:
        basis += [rule for rule in recheck_rules(snapshot, name) if rule not in basis]
    recheck = Recheck.objects.create(entry=entry, trigger=trigger, basis=basis, due_date=due_date, **links)
    record(acting_user, Action.LIFECYCLE_RECHECK_OPEN, recheck, None, state_of(recheck, *RECHECK_FIELDS))
    return recheck


def replaced_rules(pack_id: str, current: PackVersion | None) -> Pack | None:
    """The rules an adoption replaces: the text adopted last, or before any adoption the installed
    file, which judgments used until then (None if it no longer loads: nothing to compare with)."""
    if current is not None:
        return _load_pack_text(current.text)
    try:
        return load_pack(pack_id).pack
    except PolicyError:
        return None


def _load_pack_text(text: str) -> Pack:
    """Validate a pack's YAML text with the engine's own loader; returns the Pack."""
    try:
        return load_text(text).pack
    except PackError as exc:
        raise WorkflowError(
            "パックに誤りがあります:\n" + "\n".join(f"{p.where}: {p.ja}" for p in exc.problems),
            "the pack is not valid:\n" + "\n".join(f"{p.where}: {p.en}" for p in exc.problems),
            code="pack_invalid",
        ) from None


def _require_task_owner(acting_user: Any, task: ChecklistTask) -> None:
    if can(acting_user, Capability.MANAGE_LEDGER, task.entry):
        return
    if acting_user.is_authenticated and acting_user.pk == task.responsible_id and acting_user.is_active:
        return
    raise PermissionDenied(_("Only the service manager or the person responsible may record this task."))


def _require_active(entry: LedgerEntry) -> None:
    if entry.status not in ACTIVE_STATUSES:
        raise WorkflowError(f"「{entry}」は廃止済みです。", f"{entry} is retired", code="retired")


def _lock_incident(acting_user: Any, incident: Incident) -> Incident:
    locked = Incident.objects.select_for_update().select_related("entry").get(pk=incident.pk)
    if not can(acting_user, Capability.MANAGE_LEDGER, locked.entry):
        raise PermissionDenied(_("Only the service manager handles incidents of this service."))
    return locked


def _lock_termination(acting_user: Any, termination: Termination) -> Termination:
    locked = Termination.objects.select_for_update().select_related("entry").get(pk=termination.pk)
    if not can(acting_user, Capability.MANAGE_LEDGER, locked.entry):
        raise PermissionDenied(_("Only the service manager or an administrator may record the termination."))
    if locked.status != TerminationStatus.IN_PROGRESS:
        raise WorkflowError(
            "この利用終了は既に完了しています。", "this termination is already complete", code="completed"
        )
    return locked


def _record_step(
    acting_user: Any, termination: Termination, step: TerminationStep, before: dict[str, Any], *fields: str
) -> None:
    record(
        acting_user,
        Action.LIFECYCLE_TERMINATION_STEP,
        termination,
        before,
        state_of(termination, *fields) | {"step": step.value},
    )


def _users(pks: Iterable[int]) -> Any:
    return get_user_model().objects.filter(pk__in=list(pks), is_active=True).order_by("username")


def _entry_url(entry: LedgerEntry) -> str:
    return f"/lifecycle/entries/{entry.pk}/"
