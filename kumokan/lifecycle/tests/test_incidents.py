"""Incidents: any member reports; the service manager handles and closes; a re-check follows (Kobe §6.1)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.lifecycle.actions.incidents import (
    add_incident_note,
    close_incident,
    report_incident,
    start_incident_handling,
)
from kumokan.lifecycle.choices import IncidentStatus, RecheckTrigger
from kumokan.lifecycle.models import Incident, Recheck
from kumokan.lifecycle.tests.factories import city, in_operation, member, reload, retired
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def _report(e, by):  # type: ignore[no-untyped-def]
    return report_incident(
        acting_user=by, entry=e, title="誤送信", description="申請者宛の通知メールが別の申請者に送られた。"
    )


def test_any_member_reports_an_incident_and_an_incident_recheck_opens() -> None:
    c = city("kobe", overlays=())
    e = in_operation(c)
    incident = _report(e, c.staff)
    assert incident.status == IncidentStatus.REPORTED and incident.reported_by == c.staff
    recheck = Recheck.objects.get(incident=incident)
    assert recheck.trigger == RecheckTrigger.INCIDENT
    assert [rule["source"]["clause"] for rule in recheck.basis] == ["6.1", "6.3"]
    assert e.service_manager.notifications.filter(verb="incident").count() == 1
    assert c.security_manager.notifications.filter(verb="incident").count() == 1
    assert AuditEvent.objects.filter(
        action=Action.LIFECYCLE_INCIDENT_REPORT, target_id=str(incident.pk)
    ).exists()


def test_someone_of_another_municipality_cannot_report() -> None:
    e = in_operation(city("kobe"))
    outsider = member(city("amagasaki").municipality, Role.STAFF)
    with pytest.raises(PermissionDenied):
        _report(e, outsider)
    assert not Incident.objects.exists()


def test_a_retired_service_takes_no_incident() -> None:
    c = city("kobe")
    e = retired(in_operation(c))
    with pytest.raises(WorkflowError):
        _report(e, c.staff)


def test_the_service_manager_handles_notes_and_closes_the_incident() -> None:
    c = city("kobe")
    e = in_operation(c)
    incident = _report(e, c.staff)
    start_incident_handling(acting_user=e.service_manager, incident=incident)
    add_incident_note(acting_user=e.service_manager, incident=incident, text="提供者に調査を依頼した。")
    closed = close_incident(acting_user=e.service_manager, incident=incident, resolution="設定を修正した。")
    assert closed.status == IncidentStatus.CLOSED and closed.closed_at is not None
    assert closed.notes.count() == 1
    assert c.staff.notifications.filter(verb="incident").count() == 1


def test_an_incident_is_closed_only_after_handling_starts() -> None:
    c = city("kobe")
    e = in_operation(c)
    incident = _report(e, c.staff)
    with pytest.raises(WorkflowError):
        close_incident(acting_user=e.service_manager, incident=incident, resolution="完了")
    assert reload(incident).status == IncidentStatus.REPORTED


def test_other_staff_cannot_handle_an_incident() -> None:
    c = city("kobe")
    e = in_operation(c)
    incident = _report(e, c.staff)
    for someone in (c.staff, c.security_manager):
        with pytest.raises(PermissionDenied):
            start_incident_handling(acting_user=someone, incident=incident)


def test_a_closed_incident_takes_no_more_notes() -> None:
    c = city("kobe")
    e = in_operation(c)
    incident = _report(e, c.staff)
    start_incident_handling(acting_user=e.service_manager, incident=incident)
    close_incident(acting_user=e.service_manager, incident=incident, resolution="解決")
    with pytest.raises(WorkflowError):
        add_incident_note(acting_user=e.service_manager, incident=incident, text="追記")
