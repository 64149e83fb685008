"""The audit trail is append-only and hash-chained; `manage.py audit_verify` finds the first broken link."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent
from kumokan.tenancy.actions import create_municipality
from kumokan.tenancy.models import Municipality


@pytest.fixture
def trail(db: Any) -> list[AuditEvent]:
    """Five records: a municipality created, then four changes by a named person."""
    kobe = create_municipality(acting_user=None, slug="kobe", name="神戸市", pack_id="kobe")
    actor = get_user_model().objects.create_user("kyoka", last_name="京香")
    for n in range(4):
        with transaction.atomic():
            record(
                actor, Action.LEDGER_EDIT, kobe, {"note": f"版 {n}"}, {"note": f"版 {n + 1}", "amount": 1.5}
            )
    return list(AuditEvent.objects.order_by("id"))


def verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().strip()


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert failure.value.returncode == 1
    return str(failure.value)


def raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_record_carries_its_hash_and_the_previous_ones(trail: list[AuditEvent]) -> None:
    assert trail[0].previous_hash == GENESIS_HASH
    for earlier, later in itertools.pairwise(trail):
        assert later.previous_hash == earlier.hash
    assert len({event.hash for event in trail}) == len(trail)
    head = AuditChainHead.objects.get()
    assert (head.last_hash, head.length) == (trail[-1].hash, len(trail))


def test_an_intact_trail_verifies(trail: list[AuditEvent]) -> None:
    assert verify() == f"OK {len(trail)} records"


def test_an_empty_trail_verifies(db: Any) -> None:
    assert verify() == "OK 0 records"


def test_a_changed_record_is_named(trail: list[AuditEvent]) -> None:
    raw("UPDATE audit_auditevent SET after = %s WHERE id = %s", '{"note": "改ざん"}', trail[2].pk)

    message = verify_fails()

    assert f"record {trail[2].pk} was changed" in message


def test_a_changed_actor_name_is_named(trail: list[AuditEvent]) -> None:
    raw("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", "別人", trail[1].pk)

    assert f"record {trail[1].pk} was changed" in verify_fails()


def test_a_removed_record_is_found_at_the_next_one(trail: list[AuditEvent]) -> None:
    raw("DELETE FROM audit_auditevent WHERE id = %s", trail[2].pk)

    assert f"just before record {trail[3].pk} was removed" in verify_fails()


def test_removing_the_newest_records_is_found_by_the_chain_head(trail: list[AuditEvent]) -> None:
    raw("DELETE FROM audit_auditevent WHERE id = %s", trail[-1].pk)

    assert f"records after record {trail[-2].pk} were removed" in verify_fails()


def test_a_rewritten_record_with_a_recomputed_hash_still_breaks_the_next_link(
    trail: list[AuditEvent],
) -> None:
    forged = trail[1]
    forged.after = {"note": "偽"}
    raw(
        "UPDATE audit_auditevent SET after = %s, hash = %s WHERE id = %s",
        '{"note": "偽"}',
        forged.content_hash(),
        forged.pk,
    )

    assert f"record {trail[2].pk}" in verify_fails()


def test_the_orm_refuses_to_change_or_delete_records(trail: list[AuditEvent]) -> None:
    event = trail[0]
    event.target_repr = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(target_repr="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(action=Action.LEDGER_EDIT)])


def test_records_are_written_only_inside_a_transaction(transactional_db: Any) -> None:
    with pytest.raises(RuntimeError):
        AuditEvent(
            actor_name="x", action=Action.LEDGER_EDIT, target_type="t", target_id="1", target_repr="t"
        ).save()


def test_deleting_an_account_keeps_the_chain_valid(trail: list[AuditEvent]) -> None:
    get_user_model().objects.filter(username="kyoka").delete()

    assert AuditEvent.objects.filter(actor__isnull=False).count() == 0
    assert verify() == f"OK {len(trail)} records"


def test_the_chain_goes_on_across_municipalities(trail: list[AuditEvent]) -> None:
    create_municipality(acting_user=None, slug="osaka", name="大阪市", pack_id="osaka")

    newest = AuditEvent.objects.order_by("-id").first()
    assert newest.previous_hash == trail[-1].hash
    assert Municipality.objects.count() == 2
    assert verify() == f"OK {len(trail) + 1} records"
