"""Scale-out (issue 18 point 8): two Celery workers running the same scheduled job at the same moment
write each of its rows once.

Two real worker processes (as kumokan/lifecycle/tests/test_queue.py starts one) on the test
PostgreSQL database and the test Redis, each on a queue of its own so that each gets one copy of the
job, as when two beat processes (or a redelivered message) send the daily run twice. The test holds
the row lock the job takes first, waits until both workers are blocked on it (pg_stat_activity),
then lets them go, so they really run side by side: what keeps them from doubling anything is each
action's lock and check (select_for_update, then "already done?") and the one-open-per-rule
constraint, not their timing. PostgreSQL only: SQLite's test database is in the test's memory.
"""

from __future__ import annotations

import datetime
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from celery import Celery
from django.db import connection, transaction
from django.utils import timezone

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.catalog.choices import CertificationStatus
from kumokan.catalog.models import Certification, CloudService
from kumokan.catalog.tasks import check_certifications
from kumokan.catalog.tests import factories as cf
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.choices import RecheckStatus, RecheckTrigger
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tasks import scan_due_dates
from kumokan.lifecycle.tests.factories import city, in_operation, member
from kumokan.lifecycle.tests.test_queue import REDIS_URL, start_worker, stop_worker
from kumokan.notifications.choices import Verb
from kumokan.notifications.models import Notification
from kumokan.tenancy.choices import Role
from kumokan.webhooks.choices import DeliveryStatus, EventType
from kumokan.webhooks.models import Delivery, Event
from kumokan.webhooks.tests.receiver import Receiver
from kumokan.webhooks.tests.support import subscribe, verified

pytestmark = [
    pytest.mark.skipif(
        not REDIS_URL, reason="needs the Redis that scripts/test starts (KUMOKAN_TEST_REDIS_URL)"
    ),
    pytest.mark.django_db(transaction=True),
]

QUEUES = ("two-workers-a", "two-workers-b")


@pytest.fixture
def workers(transactional_db: None) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Two workers, each on a queue of its own and both on the default queue (webhook deliveries)."""
    if connection.vendor != "postgresql":
        pytest.skip("worker processes cannot see SQLite's in-memory test database; runs on PostgreSQL")
    started = [start_worker(hostname=f"{queue}@%h", queues=f"{queue},celery") for queue in QUEUES]
    try:
        yield started
    finally:
        for process in started:
            stop_worker(process)


def waiting_on_locks() -> int:
    """Connections to this database blocked on a row lock (the workers')."""
    with connection.cursor() as cursor:
        # pg_stat_activity is read once per transaction unless its snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def run_on_both_at_once(task_name: str, hold: Any) -> list[Any]:
    """Send `task_name` to both workers while the test holds `hold`'s row lock (the first the task
    takes); release it once both are blocked on it; both results."""
    with Celery("kumokan-test-client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False) as client:
        with transaction.atomic():
            type(hold).objects.select_for_update().get(pk=hold.pk)
            results = [client.send_task(task_name, queue=queue) for queue in QUEUES]
            deadline = time.monotonic() + 120
            while waiting_on_locks() < 2:
                assert time.monotonic() < deadline, "the two workers never both reached the lock"
                assert not any(result.ready() for result in results), [r.get() for r in results]
                time.sleep(0.2)
        outcomes = [result.get(timeout=120) for result in results]
        assert all(result.successful() for result in results)
    return outcomes


def once_each(counts: Counter[Any]) -> None:
    """Every key counted exactly once (the doubles shown if not)."""
    assert {key: n for key, n in counts.items() if n != 1} == {}


def test_two_workers_running_the_daily_scan_at_once_open_remind_and_escalate_each_recheck_once(
    workers: list[subprocess.Popen[bytes]],
) -> None:
    c = city("kobe")
    to_schedule, to_remind, to_escalate = (in_operation(c, purpose=f"業務{i}") for i in range(3))
    today = timezone.localdate()
    # The first entry's periodic re-checks were cancelled: the scan opens the next one of each rule.
    Recheck.objects.filter(entry=to_schedule, status=RecheckStatus.OPEN).update(
        status=RecheckStatus.CANCELLED
    )
    rules = set(Recheck.objects.filter(entry=to_schedule).values_list("rule_key", flat=True))
    Recheck.objects.filter(entry=to_remind, status=RecheckStatus.OPEN).update(
        due_date=today + datetime.timedelta(days=3)
    )
    Recheck.objects.filter(entry=to_escalate, status=RecheckStatus.OPEN).update(
        due_date=today - datetime.timedelta(days=1)
    )
    reminded = set(
        Recheck.objects.filter(entry=to_remind, status=RecheckStatus.OPEN).values_list("pk", flat=True)
    )
    overdue = set(
        Recheck.objects.filter(entry=to_escalate, status=RecheckStatus.OPEN).values_list("pk", flat=True)
    )
    assert rules and reminded and overdue
    city_system = Receiver([])
    try:
        _subscription, secret = subscribe(c, city_system.url, EventType.RECHECK_OVERDUE)
        first = LedgerEntry.objects.filter(status=EntryStatus.IN_OPERATION).order_by("pk").first()
        # The first lock schedule_rechecks takes: both workers have read the entries to go through.
        outcomes = run_on_both_at_once(scan_due_dates.name, first)

        # Each periodic rule of the cancelled entry has one open re-check, opened (and audited) once.
        opened = Recheck.objects.filter(entry=to_schedule, status=RecheckStatus.OPEN)
        once_each(Counter(opened.values_list("rule_key", flat=True)))
        assert set(opened.values_list("rule_key", flat=True)) == rules
        assert sum(outcome["scheduled"] for outcome in outcomes) == len(rules)
        once_each(
            Counter(
                AuditEvent.objects.filter(
                    action=Action.LIFECYCLE_RECHECK_OPEN, target_id__in=[str(r.pk) for r in opened]
                ).values_list("target_id", flat=True)
            )
        )
        # Each re-check falling due was reminded once: one notification, one audit record.
        assert sum(outcome["reminded"] for outcome in outcomes) == len(reminded)
        urls = {r.pk: r.get_absolute_url() for r in Recheck.objects.filter(pk__in=reminded | overdue)}
        due_notes = Notification.objects.filter(verb=Verb.RECHECK_DUE)
        once_each(Counter(due_notes.values_list("user_id", "url")))
        assert set(due_notes.values_list("url", flat=True)) == {urls[pk] for pk in reminded}
        once_each(
            Counter(
                AuditEvent.objects.filter(action=Action.LIFECYCLE_RECHECK_REMIND).values_list(
                    "target_id", flat=True
                )
            )
        )
        # Each overdue re-check was escalated once: notifications, audit, one webhook event and
        # delivery each, sent to the city's system once.
        assert sum(outcome["escalated"] for outcome in outcomes) == len(overdue)
        overdue_notes = Notification.objects.filter(verb=Verb.RECHECK_OVERDUE)
        once_each(Counter(overdue_notes.values_list("user_id", "url")))
        assert set(overdue_notes.values_list("url", flat=True)) == {urls[pk] for pk in overdue}
        escalations = AuditEvent.objects.filter(action=Action.LIFECYCLE_RECHECK_ESCALATE)
        once_each(Counter(escalations.values_list("target_id", flat=True)))
        assert {int(pk) for pk in escalations.values_list("target_id", flat=True)} == overdue
        events = Event.objects.filter(event_type=EventType.RECHECK_OVERDUE)
        assert events.count() == len(overdue)
        assert Delivery.objects.filter(event__in=events).count() == len(overdue)
        deadline = time.monotonic() + 90
        while (
            Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists() and time.monotonic() < deadline
        ):
            time.sleep(0.3)
        assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()
        time.sleep(1)  # a second send of a delivered event would arrive now
        sent = Counter(verified(request, secret)["id"] for request in city_system.requests)
        once_each(sent)
        assert set(sent) == {str(event.uuid) for event in events}
    finally:
        city_system.stop()


def test_two_workers_checking_certifications_at_once_report_a_lapse_once(
    workers: list[subprocess.Popen[bytes]],
) -> None:
    today = timezone.localdate()
    c = city("kobe")
    other_applicant = member(c.municipality, Role.APPLICANT, c.other_department)
    relied = in_operation(c)  # 電子申請サービス, approved on its ISMAP registration
    relied_elsewhere = in_operation(c, applicant=other_applicant, department=c.other_department)
    # Registered two years ago (valid then, status stored 有効); its validity has ended by today.
    audit_end = today - datetime.timedelta(days=730)
    registration = cf.ismap(
        c.municipality,
        audit_period_end=audit_end,
        services=(CloudService.objects.get(name="電子申請サービス"),),
        today=audit_end + datetime.timedelta(days=30),
    )
    assert registration.status == CertificationStatus.VALID
    outcomes = run_on_both_at_once(check_certifications.name, registration)

    registration.refresh_from_db()
    assert registration.status == CertificationStatus.EXPIRED
    assert registration.lapse_reported_at is not None
    assert sum(outcome["updated"] for outcome in outcomes) == 1
    assert sum(outcome["rechecks"] for outcome in outcomes) == 2
    lapsed = Recheck.objects.filter(trigger=RecheckTrigger.CERTIFICATION_LAPSED)
    once_each(Counter(lapsed.values_list("entry_id", flat=True)))
    assert set(lapsed.values_list("entry_id", flat=True)) == {relied.pk, relied_elsewhere.pk}
    assert AuditEvent.objects.filter(action=Action.CERTIFICATION_LAPSE).count() == 1
    assert (
        AuditEvent.objects.filter(action=Action.CERTIFICATION_STATUS, target_id=str(registration.pk)).count()
        == 1
    )
    once_each(
        Counter(
            AuditEvent.objects.filter(
                action=Action.LIFECYCLE_RECHECK_OPEN, target_id__in=[str(r.pk) for r in lapsed]
            ).values_list("target_id", flat=True)
        )
    )
    urls = {r.get_absolute_url() for r in lapsed}
    once_each(Counter(Notification.objects.filter(url__in=urls).values_list("user_id", "url")))
    assert set(Notification.objects.filter(url__in=urls).values_list("url", flat=True)) == urls
    assert Certification.objects.count() == 1
