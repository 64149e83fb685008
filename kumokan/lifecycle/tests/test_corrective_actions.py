"""Corrective action (Kobe §6.2): corrected by its deadline, or the service is suspended and may resume."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kumokan.errors import WorkflowError, rendered
from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.incidents import (
    close_corrective_action,
    open_corrective_action,
    report_incident,
)
from kumokan.lifecycle.choices import CorrectiveStatus
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tests.factories import City, city, in_operation, reload

pytestmark = pytest.mark.django_db


def _deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


def _open(c: City, e, **links):  # type: ignore[no-untyped-def]
    return open_corrective_action(
        acting_user=c.security_manager,
        entry=e,
        description="管理者アカウントに多要素認証を設定する。",
        owner=e.service_manager,
        deadline=_deadline(),
        **links,
    )


def test_an_incident_leads_to_a_corrective_action_that_is_corrected() -> None:
    c = city("kobe")
    e = in_operation(c)
    incident = report_incident(acting_user=c.staff, entry=e, title="不正ログイン", description="管理者画面")
    recheck = Recheck.objects.get(incident=incident)
    action = _open(c, e, incident=incident, recheck=recheck)
    assert e.service_manager.notifications.filter(verb="corrective_action").count() == 1
    done = close_corrective_action(
        acting_user=e.service_manager, action=action, corrected=True, result="全管理者に設定した。"
    )
    assert done.status == CorrectiveStatus.CORRECTED
    assert reload(e).status == EntryStatus.IN_OPERATION


def test_a_service_that_cannot_be_corrected_is_suspended_and_can_resume() -> None:
    c = city("kobe")
    e = in_operation(c)
    action = _open(c, e)
    close_corrective_action(
        acting_user=e.service_manager,
        action=action,
        corrected=False,
        result="提供者が多要素認証に対応していない。",
    )
    suspended = reload(e)
    assert suspended.status == EntryStatus.SUSPENDED
    change = suspended.changes.first()
    assert (
        rendered(change.reason_text, "ja") == "是正できないため利用停止: 提供者が多要素認証に対応していない。"
    )
    assert rendered(change.reason_text, "en") == "Cannot be corrected: 提供者が多要素認証に対応していない。"
    assert c.chief.notifications.filter(verb="corrective_action").count() == 1
    resumed = entries.resume(acting_user=e.service_manager, entry=suspended, reason="提供者が対応した。")
    assert resumed.status == EntryStatus.IN_OPERATION


def test_only_the_service_manager_declares_a_service_uncorrectable() -> None:
    c = city("kobe")
    e = in_operation(c)
    action = open_corrective_action(
        acting_user=e.service_manager,
        entry=e,
        description="設定の見直し",
        owner=c.staff,
        deadline=_deadline(),
    )
    with pytest.raises(PermissionDenied):
        close_corrective_action(acting_user=c.staff, action=action, corrected=False, result="無理")
    done = close_corrective_action(acting_user=c.staff, action=action, corrected=True, result="見直した。")
    assert done.closed_by == c.staff


def test_staff_cannot_open_a_corrective_action() -> None:
    c = city("kobe")
    e = in_operation(c)
    with pytest.raises(PermissionDenied):
        open_corrective_action(
            acting_user=c.staff, entry=e, description="何か", owner=c.staff, deadline=_deadline()
        )


def test_a_deadline_in_the_past_is_refused() -> None:
    c = city("kobe")
    e = in_operation(c)
    with pytest.raises(WorkflowError):
        open_corrective_action(
            acting_user=c.security_manager,
            entry=e,
            description="何か",
            owner=e.service_manager,
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )


def test_a_closed_corrective_action_cannot_be_closed_again() -> None:
    c = city("kobe")
    e = in_operation(c)
    action = _open(c, e)
    close_corrective_action(acting_user=e.service_manager, action=action, corrected=True, result="済")
    with pytest.raises(WorkflowError):
        close_corrective_action(acting_user=e.service_manager, action=action, corrected=True, result="済")
