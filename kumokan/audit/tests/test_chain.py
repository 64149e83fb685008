"""The audit trail is append-only and hash-chained; `manage.py audit_verify` finds the first broken link."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.audit.models import (
    GENESIS_HASH,
    AppendOnlyError,
    AuditChainHead,
    AuditEvent,
    canonical_content,
    chain_hash,
)
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import create_municipality
from kumokan.tenancy.models import Municipality


@pytest.fixture
def trail(db: Any) -> list[AuditEvent]:
    """Five records: a municipality created, then four changes by a named person."""
    kobe = create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")
    actor = get_user_model().objects.create_user("kyoka", last_name="京香")
    for n in range(4):
        with transaction.atomic():
            record(
                actor, Action.LEDGER_EDIT, kobe, {"note": f"版 {n}"}, {"note": f"版 {n + 1}", "amount": 1.5}
            )
    return list(AuditEvent.objects.order_by("id"))


def verify_report(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def verify() -> str:
    """The verdict: the first line (the lines after it say how far each chain is vouched for)."""
    return verify_report()[0]


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


def test_each_municipality_has_a_chain_of_its_own(trail: list[AuditEvent]) -> None:
    osaka = create_municipality(acting_user=SYSTEM, slug="osaka", name="大阪市", pack_id="osaka")
    with transaction.atomic():
        record(SYSTEM, Action.LEDGER_EDIT, osaka, None, {"note": "大阪"})

    first, second = AuditEvent.objects.filter(municipality=osaka).order_by("id")
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert {head.municipality_id: head.length for head in AuditChainHead.objects.all()} == {
        trail[0].municipality_id: len(trail),
        osaka.pk: 2,
    }
    assert verify() == f"OK {len(trail) + 2} records"
    assert verify_report("--municipality", "osaka")[0] == "OK 2 records"


def test_a_record_of_no_municipality_is_chained_apart(trail: list[AuditEvent]) -> None:
    with transaction.atomic():
        event = record(SYSTEM, Action.LEDGER_EDIT, get_user_model().objects.get(), None, {"note": "全体"})

    assert event.municipality_id is None
    assert event.previous_hash == GENESIS_HASH
    assert verify() == f"OK {len(trail) + 1} records"


def rewrite_chain_from(event: AuditEvent, after: dict[str, Any], key: bytes) -> None:
    """What someone who can write the database does: change a record, then re-hash it, every later
    record of its chain and the chain's head with the project's own functions, under `key`."""
    event.after = after
    raw("UPDATE audit_auditevent SET after = %s WHERE id = %s", json.dumps(after), event.pk)
    previous = event.previous_hash
    for later in AuditEvent.objects.filter(municipality_id=event.municipality_id, id__gte=event.pk).order_by(
        "id"
    ):
        if later.pk == event.pk:
            later.after = after
        later.previous_hash = previous
        previous = chain_hash(canonical_content(later), previous, key)
        raw(
            "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
            later.previous_hash,
            previous,
            later.pk,
        )
    raw(
        "UPDATE audit_auditchainhead SET last_hash = %s WHERE municipality_id = %s",
        previous,
        event.municipality_id,
    )


def test_a_record_re_hashed_without_the_key_is_found(trail: list[AuditEvent]) -> None:
    """The pen test's forgery: an edited record re-hashed, with the chain after it, by the project's own
    functions. Without the audit key (here: the only key the database could reveal, none) it is found."""
    rewrite_chain_from(trail[2], {"note": "改ざん"}, key=b"")

    assert f"record {trail[2].pk} was changed" in verify_fails()


def test_the_key_comes_from_the_settings_not_the_database(trail: list[AuditEvent], settings: Any) -> None:
    settings.AUDIT_KEY = b"another key entirely, 32 characters or more"

    assert f"record {trail[0].pk} was changed" in verify_fails()


@pytest.fixture
def checkpoints(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_FILE = str(path)
    return path


def test_a_checkpoint_vouches_for_the_records_up_to_it(trail: list[AuditEvent], checkpoints: Path) -> None:
    call_command("audit_checkpoint", stdout=io.StringIO())
    kobe = trail[0].municipality
    with transaction.atomic():
        record(SYSTEM, Action.LEDGER_EDIT, kobe, None, {"note": "後"})

    report = verify_report()

    assert report[0] == f"OK {len(trail) + 1} records"
    assert report[1].startswith(
        f"  kobe: {len(trail) + 1} records, the first {len(trail)} vouched for by the checkpoint of"
    )
    assert report[1].endswith("(1 newer ones not yet)")


def test_without_a_checkpoint_the_report_says_the_end_is_not_vouched_for(trail: list[AuditEvent]) -> None:
    assert "no checkpoint yet" in verify_report()[1]


def test_records_cut_from_the_end_before_a_checkpoint_are_found(
    trail: list[AuditEvent], checkpoints: Path
) -> None:
    """Deleting the newest records and putting the head back holds every hash; the checkpoint does not."""
    call_command("audit_checkpoint", stdout=io.StringIO())
    raw("DELETE FROM audit_auditevent WHERE id = %s", trail[-1].pk)
    raw(
        "UPDATE audit_auditchainhead SET last_hash = %s, last_event_id = %s, length = length - 1",
        trail[-2].hash,
        trail[-2].pk,
    )

    assert f"record {trail[-1].pk}, the chain's end at the checkpoint of" in verify_fails()


def test_a_rewrite_with_the_key_is_found_up_to_a_checkpoint(
    trail: list[AuditEvent], checkpoints: Path
) -> None:
    """Even someone who got the key later cannot rewrite what a checkpoint already pinned."""
    call_command("audit_checkpoint", stdout=io.StringIO())
    rewrite_chain_from(trail[1], {"note": "偽"}, key=settings.AUDIT_KEY)

    assert f"record {trail[-1].pk} differs from the checkpoint of" in verify_fails()


def test_a_changed_checkpoint_is_found(trail: list[AuditEvent], checkpoints: Path) -> None:
    call_command("audit_checkpoint", stdout=io.StringIO())
    line = json.loads(checkpoints.read_text())
    line["length"] -= 1
    checkpoints.write_text(json.dumps(line) + "\n")

    assert "checkpoint line 1 is not signed with the audit key" in verify_fails()


def test_checkpoints_are_appended_one_line_per_chain(trail: list[AuditEvent], checkpoints: Path) -> None:
    create_municipality(acting_user=SYSTEM, slug="osaka", name="大阪市", pack_id="osaka")

    call_command("audit_checkpoint", stdout=io.StringIO())
    call_command("audit_checkpoint", stdout=io.StringIO())

    lines = [json.loads(line) for line in checkpoints.read_text().splitlines()]
    assert [(line["municipality_id"], line["length"]) for line in lines] == [
        (trail[0].municipality_id, len(trail)),
        (Municipality.objects.get(slug="osaka").pk, 1),
    ] * 2
