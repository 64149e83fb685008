"""Periodic re-checks: scheduled from the pack's re-check rules, reminded before due, escalated when late."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.lifecycle.actions.configuration import configure_lifecycle
from kumokan.lifecycle.actions.rechecks import answer_recheck
from kumokan.lifecycle.choices import RecheckResult, RecheckStatus, RecheckTrigger
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tasks import escalate_overdue, scan_due_dates, schedule_rechecks, send_reminders
from kumokan.lifecycle.tests.factories import OSAKA_APPROVER, city, in_operation, reload
from kumokan.notifications.models import Notification

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 4, 1, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))


def _scheduled(entry: object) -> dict[str, Recheck]:
    return {
        r.rule_key: r
        for r in Recheck.objects.filter(entry=entry, status=RecheckStatus.OPEN).exclude(rule_key="")
    }


@time_machine.travel(START, tick=False)
def test_starting_operation_schedules_every_periodic_rule_of_the_judgment() -> None:
    e = in_operation(city("amagasaki", overlays=()))
    scheduled = _scheduled(e)
    assert set(scheduled) == {
        "amagasaki:recheck.high.usage-status",
        "amagasaki:recheck.access-rights",
        "amagasaki:recheck.service-level",
    }
    # The seed says 定期的 without an interval: the municipality's default (12 months), and it says so.
    usage = scheduled["amagasaki:recheck.high.usage-status"]
    assert usage.due_date == datetime.date(2026, 4, 1)
    assert usage.interval_months == 12 and usage.interval_from_setting is True
    assert usage.basis[0]["source"]["clause"] == "（２以上）4.6"


@time_machine.travel(START, tick=False)
def test_a_rule_that_fires_on_personnel_changes_is_scheduled_as_an_access_right_review() -> None:
    e = in_operation(city("amagasaki", overlays=()))
    assert _scheduled(e)["amagasaki:recheck.access-rights"].trigger == RecheckTrigger.ACCESS_REVIEW
    assert _scheduled(e)["amagasaki:recheck.service-level"].trigger == RecheckTrigger.PERIODIC


@time_machine.travel(START, tick=False)
def test_osaka_saas_continuation_review_falls_due_after_36_months() -> None:
    e = in_operation(city("osaka", overlays=(), approver=OSAKA_APPROVER))
    review = _scheduled(e)["osaka:recheck.saas-continuation"]
    assert review.due_date == datetime.date(2028, 4, 1)
    assert review.interval_months == 36 and review.interval_from_setting is False
    assert review.basis[0]["source"]["clause"] == "第3章3"


@time_machine.travel(START, tick=False)
def test_the_municipality_sets_the_interval_where_its_rules_state_none() -> None:
    c = city("amagasaki", overlays=())
    configure_lifecycle(
        acting_user=c.administrator,
        municipality=c.municipality,
        default_recheck_interval_months=6,
        reminder_days=14,
        triggered_recheck_days=7,
        incident_procedure="",
    )
    e = in_operation(c)
    assert _scheduled(e)["amagasaki:recheck.high.usage-status"].due_date == datetime.date(2025, 10, 1)


def test_answering_a_periodic_recheck_schedules_the_next_one_from_the_answer() -> None:
    with time_machine.travel(START, tick=False):
        e = in_operation(city("osaka", overlays=(), approver=OSAKA_APPROVER))
    review = _scheduled(e)["osaka:recheck.saas-continuation"]
    with time_machine.travel(datetime.datetime(2028, 3, 20, 9, 0, tzinfo=START.tzinfo), tick=False):
        answer_recheck(
            acting_user=e.service_manager,
            recheck=review,
            result=RecheckResult.CONFORMS,
            note="継続利用が妥当",
        )
    following = _scheduled(e)["osaka:recheck.saas-continuation"]
    assert following.pk != review.pk
    assert following.due_date == datetime.date(2031, 3, 20)
    assert reload(review).status == RecheckStatus.CONFORMS


def test_the_daily_job_schedules_nothing_twice() -> None:
    with time_machine.travel(START, tick=False):
        e = in_operation(city("amagasaki", overlays=()))
        before = Recheck.objects.filter(entry=e).count()
        assert schedule_rechecks() == 0
    assert Recheck.objects.filter(entry=e).count() == before == 3


def test_a_reminder_goes_to_the_service_manager_once_within_the_reminder_days() -> None:
    with time_machine.travel(START, tick=False):
        e = in_operation(city("amagasaki", overlays=()))
    with time_machine.travel(datetime.datetime(2026, 3, 1, 6, 0, tzinfo=START.tzinfo), tick=False):
        assert send_reminders() == 0  # 31 days ahead: too early
    with time_machine.travel(datetime.datetime(2026, 3, 20, 6, 0, tzinfo=START.tzinfo), tick=False):
        assert send_reminders() == 3
        assert send_reminders() == 0
    reminders = Notification.objects.filter(user=e.service_manager, verb="recheck_due")
    assert reminders.count() == 3
    assert "2026-04-01" in reminders.first().text
    assert AuditEvent.objects.filter(action=Action.LIFECYCLE_RECHECK_REMIND).count() == 3


def test_an_overdue_recheck_is_escalated_to_the_approver_and_the_chief_once() -> None:
    with time_machine.travel(START, tick=False):
        c = city("amagasaki", overlays=())
        e = in_operation(c)
    with time_machine.travel(datetime.datetime(2026, 4, 1, 6, 0, tzinfo=START.tzinfo), tick=False):
        assert escalate_overdue() == 0  # due today is not overdue yet
    with time_machine.travel(datetime.datetime(2026, 4, 2, 6, 0, tzinfo=START.tzinfo), tick=False):
        assert escalate_overdue() == 3
        assert escalate_overdue() == 0
    overdue = Notification.objects.filter(verb="recheck_overdue")
    # Amagasaki's high-track approver holds the approver role; the chief is told too.
    assert set(overdue.values_list("user", flat=True)) == {e.service_manager.pk, c.approver.pk, c.chief.pk}
    assert overdue.filter(user=c.chief).count() == 3
    assert not overdue.filter(user=c.security_manager).exists()
    event = AuditEvent.objects.filter(action=Action.LIFECYCLE_RECHECK_ESCALATE).first()
    assert event.actor is None and event.actor_name == "system"
    assert c.chief.username in event.after["told"]


def test_kitakyushu_escalates_to_its_high_track_approver_the_ciso() -> None:
    with time_machine.travel(START, tick=False):
        c = city("kitakyushu", overlays=())
        e = in_operation(c)
    with time_machine.travel(datetime.datetime(2027, 1, 1, 6, 0, tzinfo=START.tzinfo), tick=False):
        scan_due_dates()
    told = set(Notification.objects.filter(verb="recheck_overdue").values_list("user", flat=True))
    assert told == {e.service_manager.pk, c.chief.pk}


def test_an_answered_recheck_is_not_escalated() -> None:
    with time_machine.travel(START, tick=False):
        e = in_operation(city("amagasaki", overlays=()))
    answered = _scheduled(e)["amagasaki:recheck.service-level"]
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=START.tzinfo), tick=False):
        answer_recheck(acting_user=e.service_manager, recheck=answered, result="conforms", note="")
    with time_machine.travel(datetime.datetime(2026, 4, 2, 6, 0, tzinfo=START.tzinfo), tick=False):
        assert escalate_overdue() == 2
    assert reload(answered).escalated_at is None
    assert _scheduled(e)["amagasaki:recheck.service-level"].due_date == datetime.date(2027, 3, 1)
