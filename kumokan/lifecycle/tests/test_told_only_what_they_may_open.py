"""Whoever is told of a service may open what they are told of (issue 17 point 7): Kobe's low-track
approver is the 情報管理者等 of the service's own department (5.1.2, 5.2.2②), not every one in the city."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kumokan.lifecycle.actions.rechecks import escalate_recheck, open_recheck
from kumokan.lifecycle.actions.termination import request_termination
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.tests.factories import city, in_operation, member
from kumokan.notifications.models import Notification
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def kobe_low_track_in_operation():  # type: ignore[no-untyped-def]
    c = city("kobe")
    e = in_operation(c, high=False)
    elsewhere = member(
        c.municipality, Role.APPLICANT, c.other_department, last_name="山田", first_name="花子"
    )
    colleague = member(c.municipality, Role.APPLICANT, c.department)
    return c, e, elsewhere, colleague


def opens(user, url: str) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.get(url).status_code


def test_a_kobe_low_track_termination_is_reported_to_its_own_departments_information_managers_only() -> None:
    _c, e, elsewhere, colleague = kobe_low_track_in_operation()
    request_termination(acting_user=e.service_manager, entry=e, reason="後継のCMSへ移行したため")
    told = Notification.objects.filter(verb="termination")
    assert not told.filter(user=elsewhere).exists()
    assert told.filter(user=colleague).exists()
    for notification in told:
        assert opens(notification.user, notification.url) == 200, notification.user


def test_an_overdue_kobe_low_track_recheck_is_escalated_within_the_services_department_only() -> None:
    c, e, _elsewhere, colleague = kobe_low_track_in_operation()
    today = timezone.localdate()
    recheck = open_recheck(
        e.service_manager, e, RecheckTrigger.TERMS_CHANGED, today - datetime.timedelta(days=1)
    )
    assert escalate_recheck(recheck, today=today)
    told = Notification.objects.filter(verb="recheck_overdue")
    assert set(told.values_list("user", flat=True)) == {e.service_manager.pk, colleague.pk, c.chief.pk}
    for notification in told:
        assert opens(notification.user, notification.url) == 200, notification.user
