"""Migration 0006 re-keys a trail written before issue 13 (one unkeyed SHA-256 chain) into keyed chains
per municipality, and refuses to re-key a trail that was already broken."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kumokan.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, canonical_content

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("audit", "0005_sso_actions")]


@pytest.fixture
def old_schema() -> Iterator[Any]:
    """The database as the release before: audit at 0005. Migrated back to the newest afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE).apps
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("DELETE FROM audit_auditchainhead")
        migrate_to_newest()


def migrate_to_newest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def write_unkeyed_trail(apps: Any) -> list[Any]:
    """Records as the release before wrote them: one chain for everything, plain SHA-256."""
    Municipality = apps.get_model("tenancy", "Municipality")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    kobe = Municipality.objects.create(slug="kobe", name="神戸市", pack_id="kobe")
    osaka = Municipality.objects.create(slug="osaka", name="大阪市", pack_id="osaka")
    previous, events = GENESIS_HASH, []
    for n, city in enumerate([kobe, osaka, kobe, None, osaka]):
        event = AuditEvent(
            at=timezone.now(),
            actor_name="京香",
            municipality=city,
            action="ledger.edit",
            target_type="tenancy.municipality",
            target_id=str(n),
            target_repr=f"対象 {n}",
            after={"note": f"版 {n}"},
        )
        event.previous_hash = previous
        event.hash = previous = hashlib.sha256(
            previous.encode() + b"\n" + canonical_content(event)
        ).hexdigest()
        event.save()
        events.append(event)
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_event_id": events[-1].pk, "last_hash": previous, "length": len(events)}
    )
    return events


def test_an_unkeyed_trail_is_re_keyed_into_one_chain_per_municipality(old_schema: Any) -> None:
    events = write_unkeyed_trail(old_schema)

    migrate_to_newest()

    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().splitlines()[0] == f"OK {len(events)} records"
    assert sorted(AuditChainHead.objects.values_list("length", flat=True)) == [1, 2, 2]
    assert AuditEvent.objects.filter(previous_hash=GENESIS_HASH).count() == 3
    assert not AuditEvent.objects.filter(hash__in=[event.hash for event in events]).exists()


def test_a_broken_unkeyed_trail_is_not_re_keyed(old_schema: Any) -> None:
    events = write_unkeyed_trail(old_schema)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"note": "改ざん"}', events[2].pk]
        )

    with pytest.raises(RuntimeError, match=f"audit record {events[2].pk} does not verify"):
        migrate_to_newest()
    with pytest.raises(CommandError):
        call_command("audit_verify")
