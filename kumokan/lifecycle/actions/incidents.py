"""Incidents of a service and their corrective actions."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, display_name, signed_in
from kumokan.errors import WorkflowError, interpolate
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.access import governors, is_member, may_correct
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.common import entry_url, require_active
from kumokan.lifecycle.actions.rechecks import open_recheck
from kumokan.lifecycle.choices import (
    CorrectiveStatus,
    IncidentStatus,
    RecheckTrigger,
)
from kumokan.lifecycle.models import (
    CorrectiveAction,
    Incident,
    IncidentNote,
    Recheck,
)
from kumokan.lifecycle.schedule import (
    settings_for,
)
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.tenancy.access import roles_in_sentence
from kumokan.tenancy.choices import Role
from kumokan.tenancy.permissions import Capability, can
from kumokan.tenancy.vocabulary import in_sentence


def report_incident(
    *,
    acting_user: Actor,
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
            gettext_lazy("give a title and say what happened"),
            code="details_required",
        )
    with transaction.atomic():
        locked, incident = _create_on_active_entry(
            acting_user,
            entry,
            Incident,
            Action.LIFECYCLE_INCIDENT_REPORT,
            ("entry", "title", "description", "occurred_at", "status"),
            title=title,
            description=description,
            occurred_at=occurred_at,
            reported_by=signed_in(acting_user),
        )
        due = timezone.localdate() + datetime.timedelta(
            days=settings_for(locked.municipality).triggered_recheck_days
        )
        open_recheck(
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


def start_incident_handling(*, acting_user: Actor, incident: Incident) -> Incident:
    """The service manager takes the incident up (報告済み → 対応中)."""
    with transaction.atomic():
        locked = _lock_incident(acting_user, incident)
        if locked.status != IncidentStatus.REPORTED:
            raise WorkflowError(
                gettext_lazy("the incident is already being handled"),
                code="state",
            )
        fields = ("status", "handled_by", "handling_started_at")
        before = state_of(locked, *fields)
        locked.status = IncidentStatus.HANDLING
        locked.handled_by, locked.handling_started_at = signed_in(acting_user), timezone.now()
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_INCIDENT_HANDLE, locked, before, state_of(locked, *fields))
    return locked


def add_incident_note(*, acting_user: Actor, incident: Incident, text: str) -> IncidentNote:
    """Record one step of handling an open incident."""
    text = text.strip()
    if not text:
        raise WorkflowError(
            gettext_lazy("the note is empty"),
            code="note_required",
        )
    with transaction.atomic():
        locked = _lock_incident(acting_user, incident)
        if locked.status == IncidentStatus.CLOSED:
            raise WorkflowError(
                gettext_lazy("the incident is closed"),
                code="state",
            )
        note = IncidentNote.objects.create(incident=locked, text=text, written_by=signed_in(acting_user))
        record(acting_user, Action.LIFECYCLE_INCIDENT_NOTE, note, None, state_of(note, "incident", "text"))
    return note


def close_incident(*, acting_user: Actor, incident: Incident, resolution: str) -> Incident:
    """Close a handled incident with how it was resolved (対応中 → 完了)."""
    resolution = resolution.strip()
    if not resolution:
        raise WorkflowError(
            gettext_lazy("say how the incident was resolved"),
            code="note_required",
        )
    with transaction.atomic():
        locked = _lock_incident(acting_user, incident)
        if locked.status != IncidentStatus.HANDLING:
            raise WorkflowError(
                gettext_lazy("only an incident being handled can be closed"),
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
    acting_user: Actor,
    entry: LedgerEntry,
    description: str,
    owner: Any,
    deadline: datetime.date,
    incident: Incident | None = None,
    recheck: Recheck | None = None,
) -> CorrectiveAction:
    """Bring a nonconforming service back into line (Kobe §6.2): what, who and by when."""
    description = description.strip()
    if not may_correct(acting_user, entry):
        raise PermissionDenied(
            _(
                "Only the %(service_manager)s, the %(security_manager)s or the %(chief)s may open a corrective "
                "action."
            )
            % (
                in_sentence(entry.municipality)
                | roles_in_sentence(entry.municipality, Role.SECURITY_MANAGER, Role.CHIEF)
            )
        )
    if not description:
        raise WorkflowError(
            gettext_lazy("say what must be corrected"),
            code="details_required",
        )
    if not is_member(owner, entry.municipality):
        raise WorkflowError(
            gettext_lazy("%(person)s is not a member of this municipality"),
            params={"person": display_name(owner)},
            code="not_member",
        )
    if deadline < timezone.localdate():
        raise WorkflowError(
            gettext_lazy("the deadline is in the past"),
            code="deadline",
        )
    for linked in (incident, recheck):
        if linked is not None and linked.entry_id != entry.pk:
            raise WorkflowError(
                gettext_lazy("the record belongs to another service"),
                code="other_entry",
            )
    with transaction.atomic():
        locked, action = _create_on_active_entry(
            acting_user,
            entry,
            CorrectiveAction,
            Action.LIFECYCLE_CORRECTIVE_OPEN,
            ("entry", "incident", "recheck", "description", "owner", "deadline", "status"),
            incident=incident,
            recheck=recheck,
            description=description,
            owner=owner,
            deadline=deadline,
            opened_by=signed_in(acting_user),
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
            entry_url(locked),
            municipality=locked.municipality,
            verb=Verb.CORRECTIVE_ACTION,
        )
    return action


def close_corrective_action(
    *, acting_user: Actor, action: CorrectiveAction, corrected: bool, result: str
) -> CorrectiveAction:
    """Record the result: corrected, or cannot be corrected, which suspends the service (Kobe §6.2)."""
    result = result.strip()
    if not result:
        raise WorkflowError(
            gettext_lazy("give the result"),
            code="note_required",
        )
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().select_related("entry").get(pk=action.pk)
        entry = locked.entry
        if corrected:
            if not (can(acting_user, Capability.MANAGE_LEDGER, entry) or acting_user.pk == locked.owner_id):
                raise PermissionDenied(
                    _("Only the owner or the %(service_manager)s may close this corrective action.")
                    % in_sentence(entry.municipality)
                )
        elif not can(acting_user, Capability.MANAGE_LEDGER, entry):
            # Stopping the use is the service manager's duty (Kobe §6.2).
            raise PermissionDenied(
                _("Only the %(service_manager)s may declare that the service cannot be corrected.")
                % in_sentence(entry.municipality)
            )
        if locked.status != CorrectiveStatus.OPEN:
            raise WorkflowError(
                gettext_lazy("this corrective action is closed"),
                code="state",
            )
        fields = ("status", "result", "closed_by", "closed_at")
        before = state_of(locked, *fields)
        locked.status = CorrectiveStatus.CORRECTED if corrected else CorrectiveStatus.UNCORRECTABLE
        locked.result, locked.closed_by, locked.closed_at = result, signed_in(acting_user), timezone.now()
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_CORRECTIVE_CLOSE, locked, before, state_of(locked, *fields))
        if not corrected:
            if entry.status == EntryStatus.IN_OPERATION:
                reason = interpolate(gettext_lazy("Cannot be corrected: %(result)s"), {"result": result})
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
                entry_url(entry),
                municipality=entry.municipality,
                verb=Verb.CORRECTIVE_ACTION,
            )
    return locked


Created = TypeVar("Created", Incident, CorrectiveAction)


def _create_on_active_entry(
    acting_user: Actor,
    entry: LedgerEntry,
    model: type[Created],
    action: Action,
    audited: tuple[str, ...],
    **values: Any,
) -> tuple[LedgerEntry, Created]:
    """In the caller's transaction: lock the entry, refuse a service out of use, create the row on it and
    audit its `audited` fields."""
    locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    require_active(locked)
    created = model.objects.create(entry=locked, **values)
    record(acting_user, action, created, None, state_of(created, *audited))
    return locked, created


def _lock_incident(acting_user: Actor, incident: Incident) -> Incident:
    locked = Incident.objects.select_for_update().select_related("entry").get(pk=incident.pk)
    if not can(acting_user, Capability.MANAGE_LEDGER, locked.entry):
        raise PermissionDenied(
            _("Only the %(service_manager)s handles incidents of this service.")
            % in_sentence(locked.entry.municipality)
        )
    return locked
