"""Simultaneous requests on PostgreSQL: one decision per application, one move per ledger step, one chain.

Each thread is a separate browser session with its own database connection; a barrier releases them
together. SQLite runs one writer at a time by design, so these races cannot happen there.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client

from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f
from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.actions import grant_membership

pytestmark = pytest.mark.django_db(transaction=True)

# What a person sees who was a moment too late (ja): already decided, or changed since they looked.
TOO_LATE = ("この申請は既に決裁されています", "既に他の人が決裁しました", "他の人が先に更新しました")


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write transaction, so concurrent decisions cannot race there")


def race(count: int, request: Callable[[int], Any]) -> list[Any]:
    """Run request(i) in `count` threads released at once; each thread closes its own connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = request(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def verified_trail() -> str:
    """audit_verify's verdict (its first line; the next ones say how far each chain is vouched for)."""
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().strip().splitlines()[0]


def test_fifty_simultaneous_approvals_make_one_decision() -> None:
    city = f.city("kobe")
    application = f.submitted(city)
    approver = f.high_track_approver(city)
    clients = []
    for _ in range(50):
        client = Client()
        client.force_login(approver)
        clients.append(client)
    form = {"outcome": "approved", "version": application.version, "reason": ""}

    responses = race(50, lambda i: clients[i].post(f"/approvals/{application.pk}/", form, follow=True))

    assert [r for r in responses if isinstance(r, Exception)] == []
    assert all(r.status_code == 200 for r in responses)
    assert Decision.objects.filter(application=application).count() == 1
    assert AuditEvent.objects.filter(action=Action.APPLICATION_APPROVE).count() == 1
    told = [r for r in responses if any(message in r.content.decode() for message in TOO_LATE)]
    assert len(told) == 49
    assert verified_trail().startswith("OK")


def test_simultaneous_suspensions_of_one_entry_move_it_once() -> None:
    city = f.city("kobe")
    entry = f.entry(city)
    # In operation without walking the build checklist (the operation gate has tests of its own).
    LedgerEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.IN_OPERATION)
    entry.refresh_from_db()
    manager = entry.service_manager
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(manager)
        clients.append(client)
    form = {"version": entry.version, "reason": "提供者の障害のため", "confirmed": "on"}

    responses = race(20, lambda i: clients[i].post(f"/ledger/{entry.pk}/suspend/", form, follow=True))

    assert [r for r in responses if isinstance(r, Exception)] == []
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUSPENDED
    assert AuditEvent.objects.filter(action=Action.LEDGER_SUSPEND).count() == 1
    assert verified_trail().startswith("OK")


def test_simultaneous_writers_keep_one_unforked_audit_chain() -> None:
    city = f.city("kobe")
    people = [f.user() for _ in range(30)]

    race(
        30,
        lambda i: grant_membership(
            acting_user=SYSTEM, user=people[i], municipality=city.municipality, role="staff"
        ),
    )

    # One chain per municipality: within each, no two records claim the same predecessor.
    hashes = list(AuditEvent.objects.order_by("id").values_list("municipality_id", "previous_hash"))
    assert len(hashes) == len(set(hashes)), "two records claim the same predecessor: the chain forked"
    assert verified_trail() == f"OK {AuditEvent.objects.count()} records"


def test_one_citys_long_write_does_not_hold_another_citys_audit_records() -> None:
    """Each municipality's chain has its own head: a long import in Kobe leaves Osaka's writes alone."""
    kobe, osaka = f.city("kobe").municipality, f.city("osaka").municipality
    kobe_holds_its_head, osaka_done = threading.Event(), threading.Event()
    waited: list[bool] = []

    def kobe_import() -> None:
        try:
            with transaction.atomic():
                record(SYSTEM, Action.LEDGER_EDIT, kobe, None, {"note": "長い取込"})
                kobe_holds_its_head.set()
                waited.append(osaka_done.wait(timeout=20))
        finally:
            connections.close_all()

    def osaka_edit() -> None:
        try:
            kobe_holds_its_head.wait(timeout=20)
            with transaction.atomic():
                record(SYSTEM, Action.LEDGER_EDIT, osaka, None, {"note": "並行"})
            osaka_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=kobe_import), threading.Thread(target=osaka_edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert waited == [True], "Osaka's record waited for Kobe's transaction to end"
    assert verified_trail() == f"OK {AuditEvent.objects.count()} records"
