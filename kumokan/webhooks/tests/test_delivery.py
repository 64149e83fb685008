"""Decisions reach a city's receiver, signed, with the payload the OpenAPI document declares; retried
with backoff, logged, given up and turned off; never for a rolled-back decision or another city."""

from __future__ import annotations

import datetime
import socket
import threading
import time

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.config import celery_app
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.tasks import escalate_overdue
from kumokan.lifecycle.tests.factories import in_operation
from kumokan.notifications.choices import Verb
from kumokan.notifications.models import Notification
from kumokan.webhooks import actions
from kumokan.webhooks.choices import DeliveryStatus, EventType
from kumokan.webhooks.models import Delivery, Event
from kumokan.webhooks.tasks import send_due_deliveries
from kumokan.webhooks.tests.support import assert_declared, subscribe, verified

pytestmark = pytest.mark.django_db


def test_an_approval_reaches_the_receiver_signed_with_the_apis_own_representation(
    receiver, eager, django_capture_on_commit_callbacks
):
    c = f.city("kobe")
    city_system = receiver()
    _subscription, secret = subscribe(c, city_system.url, EventType.APPLICATION_APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        application = f.decided(c, Outcome.APPROVED)

    [request] = city_system.requests
    assert request["path"] == "/kumokan/events"
    payload = verified(request, secret)
    entry = LedgerEntry.objects.get(application=application)
    assert payload["type"] == "application.approved"
    assert payload["api_version"] == "1"
    assert payload["municipality"] == "kobe"
    assert payload["data"]["application"]["id"] == application.pk
    assert payload["data"]["application"]["status"] == "approved"
    assert payload["data"]["application"]["status_label"] == "承認"
    assert payload["data"]["decision"]["outcome"] == "approved"
    assert payload["data"]["ledger_entry"] == entry.pk
    assert_declared(payload)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert str(delivery.event.uuid) == payload["id"]


def test_a_rejection_is_sent_and_a_return_is_not(receiver, eager, django_capture_on_commit_callbacks):
    c = f.city("kobe")
    city_system = receiver()
    _subscription, secret = subscribe(c, city_system.url)

    with django_capture_on_commit_callbacks(execute=True):
        rejected = f.decided(c, Outcome.REJECTED)
        f.decided(c, Outcome.RETURNED)

    [request] = city_system.requests
    payload = verified(request, secret)
    assert payload["type"] == "application.rejected"
    assert payload["data"]["application"]["id"] == rejected.pk
    assert payload["data"]["decision"]["reason"] == "記載内容に不足があります。"
    assert payload["data"]["ledger_entry"] is None
    assert_declared(payload)


def test_a_ledger_entrys_status_changes_are_sent(receiver, eager, django_capture_on_commit_callbacks):
    c = f.city("amagasaki", overlays=())
    city_system = receiver()
    _subscription, secret = subscribe(c, city_system.url, EventType.LEDGER_ENTRY_STATUS_CHANGED)

    with django_capture_on_commit_callbacks(execute=True):
        entry = in_operation(c)
        entries.suspend(acting_user=entry.service_manager, entry=entry, reason="設定不備の是正まで停止")

    started, suspended = (verified(request, secret) for request in city_system.requests)
    assert started["type"] == suspended["type"] == "ledger_entry.status_changed"
    assert (started["data"]["previous_status"], started["data"]["entry"]["status"]) == (
        "approved",
        "in_operation",
    )
    assert (suspended["data"]["previous_status"], suspended["data"]["entry"]["status"]) == (
        "in_operation",
        "suspended",
    )
    assert suspended["data"]["reason"] == "設定不備の是正まで停止"
    assert suspended["data"]["entry"]["id"] == entry.pk
    assert_declared(suspended)


def test_an_overdue_recheck_is_sent_once(receiver, eager, django_capture_on_commit_callbacks):
    start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    with time_machine.travel(start, tick=False):
        c = f.city("amagasaki", overlays=())
        entry = in_operation(c)
        city_system = receiver()
        _subscription, secret = subscribe(c, city_system.url, EventType.RECHECK_OVERDUE)
    with time_machine.travel(start + datetime.timedelta(days=400), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            escalated = escalate_overdue()
            escalate_overdue()
        payloads = [verified(request, secret) for request in city_system.requests]
    assert escalated == len(payloads) > 0
    assert {p["type"] for p in payloads} == {"recheck.overdue"}
    assert {p["data"]["recheck"]["entry"] for p in payloads} == {entry.pk}
    assert all(p["data"]["recheck"]["overdue"] for p in payloads)
    assert_declared(payloads[0])


def test_a_decision_rolled_back_sends_nothing_and_leaves_no_event(
    receiver, eager, django_capture_on_commit_callbacks
):
    c = f.city("kobe")
    city_system = receiver()
    subscribe(c, city_system.url)
    application = f.submitted(c)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            f.actions.decide(
                acting_user=c.security_manager,
                application=application,
                outcome=Outcome.APPROVED,
                expected_version=f.fresh(application).version,
            )
            assert Event.objects.count() == 1
            raise RuntimeError("something after the decision failed")

    assert city_system.requests == []
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_another_citys_subscription_hears_nothing(receiver, eager, django_capture_on_commit_callbacks):
    kobe, osaka = f.city("kobe"), f.city("osaka")
    kobe_system, osaka_system = receiver(), receiver()
    kobe_subscription, _secret = subscribe(kobe, kobe_system.url)
    subscribe(osaka, osaka_system.url)

    with django_capture_on_commit_callbacks(execute=True):
        f.decided(kobe, Outcome.APPROVED)

    assert len(kobe_system.requests) == 1
    assert osaka_system.requests == []
    assert list(Delivery.objects.values_list("subscription", flat=True)) == [kobe_subscription.pk]


def test_a_failed_attempt_is_logged_and_tried_again_after_the_backoff(
    receiver, eager, django_capture_on_commit_callbacks
):
    c = f.city("kobe")
    city_system = receiver(503)
    _subscription, secret = subscribe(c, city_system.url)
    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.PENDING, 1, 503)
    assert delivery.last_error.startswith("HTTP 503")
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 59 <= wait <= 61  # the first of WEBHOOK_RETRY_DELAYS
    assert send_due_deliveries() == 0  # not yet due

    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
        assert send_due_deliveries() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        2,
        200,
    )
    assert delivery.last_error == ""
    first, second = (verified(request, secret) for request in city_system.requests)
    assert first["id"] == second["id"]  # the same event: the receiver can recognise a repeat


@override_settings(WEBHOOK_RETRY_DELAYS=(0,), WEBHOOK_DISABLE_AFTER=4)
def test_after_the_last_retry_the_delivery_fails_and_repeated_failure_turns_the_subscription_off(
    receiver, eager, django_capture_on_commit_callbacks
):
    c = f.city("kobe")
    city_system = receiver(*[500] * 10)
    subscription, _secret = subscribe(c, city_system.url)

    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    first = Delivery.objects.get()
    assert (first.status, first.attempts) == (DeliveryStatus.FAILED, 2)
    subscription.refresh_from_db()
    assert subscription.active and subscription.consecutive_failures == 2

    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.REJECTED)
    subscription.refresh_from_db()
    assert not subscription.active
    assert "4 attempts in a row failed" in subscription.disabled_reason
    disabled = AuditEvent.objects.get(action=Action.WEBHOOK_DISABLE)
    assert disabled.actor_name == "system" and disabled.after["active"] is False
    [told] = Notification.objects.filter(verb=Verb.WEBHOOK_DISABLED)
    assert told.user == c.administrator and city_system.url in told.text
    assert "送信を停止しました" in told.text and "has been turned off" in told.text_en
    assert told.url == subscription.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    assert len(city_system.requests) == 4  # nothing more for a subscription that is off
    assert Event.objects.count() == 2


def test_an_unreachable_receiver_is_logged(eager, django_capture_on_commit_callbacks):
    c = f.city("kobe")
    subscribe(c, "http://127.0.0.1:9/closed")  # the discard port: nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code is None
    assert "ConnectionRefusedError" in delivery.last_error


def test_a_redirect_is_not_followed(receiver, eager, django_capture_on_commit_callbacks):
    c = f.city("kobe")
    elsewhere = receiver()
    city_system = receiver(302, location=elsewhere.url)
    subscribe(c, city_system.url)
    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    assert elsewhere.requests == []
    assert Delivery.objects.get().last_error.startswith("HTTP 302")


def test_nothing_is_lost_while_the_queue_is_down(receiver, django_capture_on_commit_callbacks, caplog):
    c = f.city("kobe")
    city_system = receiver()
    subscribe(c, city_system.url)
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens: the queue is down
    try:
        with django_capture_on_commit_callbacks(execute=True):
            application = f.decided(c, Outcome.APPROVED)
    finally:
        celery_app.conf.broker_url = previous
    assert f.fresh(application).status == "approved"  # the decision stands
    assert "not queued" in caplog.text
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0

    celery_app.conf.task_always_eager = True  # the queue is back: beat's sweep sends it
    try:
        assert send_due_deliveries() == 1
    finally:
        celery_app.conf.task_always_eager = False
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(city_system.requests) == 1


def test_the_administrator_redelivers_and_it_is_audited(receiver, eager, django_capture_on_commit_callbacks):
    c = f.city("kobe")
    city_system = receiver()
    _subscription, secret = subscribe(c, city_system.url)
    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    delivery = Delivery.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        actions.redeliver(acting_user=c.administrator, delivery=delivery)

    first, again = (verified(request, secret) for request in city_system.requests)
    assert first == again
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    redelivered = AuditEvent.objects.get(action=Action.WEBHOOK_REDELIVER)
    assert redelivered.actor == c.administrator and redelivered.after["delivery"] == delivery.pk


@override_settings(WEBHOOK_TIMEOUT_SECONDS=1)
def test_a_receiver_answering_a_byte_at_a_time_does_not_hold_the_worker(
    eager, django_capture_on_commit_callbacks
):
    """Each byte comes within the socket's timeout, so only a deadline on the whole attempt ends it: the
    worker is free again after twice the timeout, and the attempt failed (a cut answer is no 200)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip() -> None:
        connection, _address = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            for _byte in range(30):  # about 9 s, then the answer ends (so the test ends without the fix too)
                if stop.wait(0.3):
                    return
                try:
                    connection.sendall(b"X")
                except OSError:
                    return

    server = threading.Thread(target=drip, daemon=True)
    server.start()
    c = f.city("kobe")
    subscribe(c, f"http://127.0.0.1:{listener.getsockname()[1]}/kumokan/events")
    started = time.monotonic()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            f.decided(c, Outcome.APPROVED)
    finally:
        elapsed = time.monotonic() - started
        stop.set()
        server.join(5)
        listener.close()
    assert elapsed < 6
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code is None
    assert delivery.last_error == "no complete answer within 2 seconds"
