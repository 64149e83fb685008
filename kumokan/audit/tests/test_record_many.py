"""record_many appends a batch of records to the hash chain as record would, one by one."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from kumokan.audit.actions import record, record_many
from kumokan.audit.chain import verify_chain
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditChainHead, AuditEvent
from kumokan.tenancy.models import Department, Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def kobe() -> Municipality:
    return Municipality.objects.create(slug="kobe", name="神戸市", pack_id="kobe")


def departments(kobe: Municipality, count: int) -> list[Department]:
    return [Department.objects.create(municipality=kobe, name=f"第{n}課", code=f"d{n}") for n in range(count)]


def test_a_batch_between_single_records_keeps_the_chain(kobe: Municipality) -> None:
    actor: Any = get_user_model().objects.create_user("kyoka", last_name="京香")
    targets = departments(kobe, 5)
    with transaction.atomic():
        record(actor, Action.LEDGER_EDIT, kobe, None, {"note": "前"})
        events = record_many(
            actor,
            Action.LEDGER_IMPORT_ENTRY,
            [(department, None, {"name": department.name}) for department in targets],
            municipality=kobe,
        )
        record(actor, Action.LEDGER_EDIT, kobe, None, {"note": "後"})
    verification = verify_chain()
    assert verification.ok, verification.first_break
    assert verification.count == 7
    assert [e.target_id for e in events] == [str(d.pk) for d in targets]
    stored = list(AuditEvent.objects.filter(action=Action.LEDGER_IMPORT_ENTRY).order_by("id"))
    assert [(e.pk, e.hash, e.actor_name, e.after) for e in stored] == [
        (e.pk, e.hash, "京香", {"name": d.name}) for e, d in zip(events, targets, strict=True)
    ]
    assert AuditChainHead.objects.get().length == 7


def test_an_empty_batch_writes_nothing(kobe: Municipality) -> None:
    with transaction.atomic():
        assert record_many(None, Action.LEDGER_IMPORT_ENTRY, [], municipality=kobe) == []
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_is_refused(kobe: Municipality) -> None:
    with pytest.raises(RuntimeError):
        record_many(None, Action.LEDGER_IMPORT_ENTRY, [(kobe, None, {})], municipality=kobe)
    assert not AuditEvent.objects.exists()
