"""Every change of a ledger entry: registration on approval, edits, and its status over its life."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kumokan.applications.choices import UserScope
from kumokan.applications.models import Application, Decision
from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, display_name, person
from kumokan.core.citations import citation
from kumokan.errors import WorkflowError, check_version, interpolate, stored
from kumokan.ledger.choices import EntryStep
from kumokan.ledger.models import LedgerChange, LedgerEntry
from kumokan.ledger.workflow import transition
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.policy import Judgment
from kumokan.policy.judge import source_data
from kumokan.tenancy.access import (
    department_name,
    is_eligible_service_manager,
    own_title,
    users_with_role,
)
from kumokan.tenancy.actions import ensure_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.permissions import Capability, can
from kumokan.tenancy.vocabulary import in_sentence, word

# Pack ledger field ids that have their own typed column; any other id goes into `fields`.
TYPED_FIELD_IDS = frozenset(
    {
        "service_name",
        "provider_name",
        "purpose",
        "classification",
        "period",
        "applicant",
        "user_scope",
        "service_manager",
    }
)
# What edit_entry may change.
EDITABLE_FIELDS = (
    "purpose",
    "period_start",
    "period_end",
    "user_scope",
    "user_scope_detail",
    "service_manager",
    "fields",
    "note",
)
_MANAGER_COLUMNS = (
    "service_manager",
    "service_manager_name",
    "service_manager_title",
    "service_manager_department_name",
    "service_manager_unassigned",
)


def new_entry(application: Application, decision: Decision, judgment: Judgment) -> LedgerEntry:
    """The ledger entry an approved application makes, unsaved and without its service manager:
    the approval path (kumokan.lifecycle.actions.entries.register_entry) and the ledger import
    (kumokan.documents.actions) both start here."""
    facts = application.facts
    level = judgment["classification"]["confidentiality"]
    return LedgerEntry(
        municipality=application.municipality,
        department=application.department,
        application=application,
        service=application.service,
        service_name=facts["service_name"],
        function_name=application.service.function_name,
        provider_name=facts["provider"],
        purpose=facts["purpose"],
        classification_code=level["code"],
        classification_label=level["label"],
        track=judgment["track"],
        period_start=application.period_start,
        period_end=application.period_end,
        applicant=application.applicant,
        applicant_name=display_name(application.applicant),
        applicant_department_name=application.department.name,
        user_scope=UserScope(facts["user_scope"]),
        user_scope_detail=application.user_scope_detail,
        approver_title=decision.approver_title,
        approved_by=decision.decided_by,
        approved_at=decision.decided_at,
        fields={f["id"]: "" for f in judgment["ledger_fields"] if f["id"] not in TYPED_FIELD_IDS},
    )


def edit_entry(
    *,
    acting_user: Actor,
    entry: LedgerEntry,
    changes: dict[str, Any],
    reason: str,
    expected_version: int | None = None,
) -> LedgerEntry:
    """Change ledger fields (see EDITABLE_FIELDS; `fields` merges by pack field id), versioned with a reason.

    `changes["service_manager"]` is a user; the new manager gets the service_manager role if missing.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise WorkflowError(
            gettext_lazy("these %(ledger)s fields cannot be edited: %(names)s"),
            code="field",
            params={"names": names} | in_sentence(entry.municipality),
        )
    with transaction.atomic():
        locked = lock_entry(acting_user, entry, expected_version)
        step = transition(locked.status, EntryStep.EDIT, locked.municipality)
        reason = given_reason(reason, step.reason_required)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "service_manager":
                if value.pk != locked.service_manager_id or locked.service_manager_unassigned:
                    _require_eligible_manager(value, locked)
                    before |= state_of(locked, *_MANAGER_COLUMNS)
                    set_manager(locked, value)
                    ensure_membership(
                        acting_user=acting_user,
                        user=value,
                        municipality=locked.municipality,
                        role=Role.SERVICE_MANAGER,
                        department=locked.department,
                    )
                    after |= state_of(locked, *_MANAGER_COLUMNS)
            elif name == "fields":
                merged = _merged_fields(locked, value)
                if merged != locked.fields:
                    before["fields"], after["fields"] = dict(locked.fields), merged
                    locked.fields = merged
            elif getattr(locked, name) != value:
                if name == "user_scope" and value not in UserScope.values:
                    raise WorkflowError(
                        gettext_lazy("unknown user scope %(value)s"), code="field", params={"value": value}
                    )
                before |= state_of(locked, name)
                setattr(locked, name, value)
                after |= state_of(locked, name)
        if not after:
            raise WorkflowError(
                gettext_lazy("nothing was changed"),
                code="unchanged",
            )
        if locked.period_start and locked.period_end and locked.period_end < locked.period_start:
            raise WorkflowError(
                gettext_lazy("the period ends before it starts"),
                code="period",
            )
        save_change(acting_user, locked, list(after), before, after, reason)
        record(acting_user, Action.LEDGER_EDIT, locked, before, after | {"reason": reason})
        report_change(
            acting_user,
            locked,
            Message(
                gettext_noop("The %(ledger)s entry of %(service)s was changed: %(reason)s"),
                {"ledger": word(locked.municipality, "ledger"), "service": locked, "reason": reason},
            ),
        )
    return locked


def lock_entry(acting_user: Actor, entry: LedgerEntry, expected_version: int | None) -> LedgerEntry:
    locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if not can(acting_user, Capability.MANAGE_LEDGER, locked):
        raise PermissionDenied(
            _(
                "Only the %(service_manager)s of this service or a system administrator may change the %(ledger)s."
            )
            % in_sentence(locked.municipality)
        )
    check_version(gettext_lazy("entry"), locked.version, expected_version)
    return locked


def _require_eligible_manager(manager: Any, entry: LedgerEntry) -> None:
    """Refuse a manager the edit form would not offer: naming one grants them a role in the entry's city."""
    if not is_eligible_service_manager(manager, entry.municipality, entry.department, entry.track):
        raise WorkflowError(
            gettext_lazy(
                "this person cannot be designated %(service_manager)s of this %(ledger)s entry. %(rule)s"
            ),
            code="manager_not_eligible",
            params={"rule": service_manager_rule(entry)} | in_sentence(entry.municipality),
        )


def service_manager_rule(entry: LedgerEntry) -> str | Promise:
    """The pack's rule on who manages a service of the entry's track, cited."""
    pack = entry.municipality.pack().pack
    if pack.tracks is None:
        return ""
    manager = (pack.tracks.high if entry.track == "high" else pack.tracks.low).service_manager
    found = citation(source_data(pack, manager.source))
    cited = found.text if found else manager.source.clause
    return interpolate(
        gettext_lazy("The rule (%(clause)s): %(rule)s"), {"clause": cited, "rule": manager.rule}
    )


def given_reason(reason: str, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise WorkflowError(
            gettext_lazy("give a reason"),
            code="reason_required",
        )
    return reason


def save_change(
    acting_user: Actor,
    entry: LedgerEntry,
    changed: list[str],
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str | Promise,
) -> None:
    """Save the entry's changed fields and its history row: the one writer of LedgerChange.

    `reason` is what a person typed (kept as typed), or a lazy text (gettext_lazy, or interpolate with its
    parameters, as a WorkflowError's) kept as its msgid and parameters and translated for each reader.
    """
    entry.version += 1
    entry.updated_at = timezone.now()
    entry.save(update_fields=[*changed, "version", "updated_at"])
    why: dict[str, Any] = {"reason": reason}
    if isinstance(reason, Promise):
        kept = stored(reason)
        why = {
            "reason_msgid": kept["msgid"],
            "reason_context": kept.get("context", ""),
            "reason_params": kept.get("params", {}),
        }
    LedgerChange.objects.create(
        entry=entry,
        entry_version=entry.version,
        changed_by=person(acting_user),
        changed_by_name=display_name(acting_user),
        before=before,
        after=after,
        **why,
    )


def set_manager(entry: LedgerEntry, manager: Any) -> None:
    entry.service_manager = manager
    entry.service_manager_unassigned = False
    entry.service_manager_name = display_name(manager)
    entry.service_manager_title = own_title(manager, entry.municipality)
    entry.service_manager_department_name = (
        department_name(manager, entry.municipality) or entry.department.name
    )


def _merged_fields(entry: LedgerEntry, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(entry.fields)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise WorkflowError(
            gettext_lazy("the pack's %(ledger)s has no field %(names)s"),
            code="field",
            params={"names": names} | in_sentence(entry.municipality),
        )
    if not all(isinstance(v, str) for v in values.values()):
        raise WorkflowError(
            gettext_lazy("ledger field values are text"),
            code="field",
        )
    return {**entry.fields, **{k: v.strip() for k, v in values.items()}}


def entry_state(entry: LedgerEntry) -> dict[str, Any]:
    state = state_of(
        entry,
        "application",
        "department",
        "service",
        "service_name",
        "function_name",
        "provider_name",
        "purpose",
        "classification_code",
        "track",
        "period_start",
        "period_end",
        "user_scope",
        *_MANAGER_COLUMNS,
        "approver_title",
        "status",
        "version",
    )
    state["fields"] = entry.fields
    state["note"] = entry.note
    return state


def report_change(acting_user: Actor, entry: LedgerEntry, change: Message) -> None:
    """Tell whoever the pack says ledger changes are reported to (Kitakyushu §3.3②, §3.4②)."""
    reported_to = entry.municipality.pack().pack.workflow.ledger_changes_reported_to
    if reported_to is None or reported_to.track not in ("any", entry.track):
        return
    users = users_with_role(entry.municipality, reported_to.role.value).exclude(pk=acting_user.pk)
    notify(
        users,
        Message(
            gettext_noop("%(change)s (reported to the %(title)s)"),
            {"change": change, "title": reported_to.title},
        ),
        entry.get_absolute_url(),
        municipality=entry.municipality,
        verb=Verb.LEDGER_CHANGED,
    )
