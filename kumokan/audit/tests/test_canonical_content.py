"""A row's canonical content reads its before/after as a JSON column gives them back: values that are
already plain JSON are taken as they are, anything else goes through the JSON round trip. Both give
the same bytes, so the chain's hashes do not depend on which way a value took."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from kumokan.audit.models import AuditEvent, _json_ready, canonical_content
from kumokan.ledger.choices import EntryStatus

VALUES: list[Any] = [
    None,
    {},
    [],
    {"note": "版 1", "amount": 1.5, "count": 3, "flag": True, "none": None},
    {"fields": {"a": "", "b": "値"}, "tasks": ["kobe:1", "kobe:2"], "nested": [{"x": [1, 2.0, False]}]},
    {"big": 2**70, "neg": -0.0, "nan": float("nan"), "inf": float("inf")},
    # Not plain JSON: each reads back otherwise than it was given, and must take the round trip.
    {"status": EntryStatus.IN_OPERATION},
    {"day": datetime.date(2026, 12, 3), "at": datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)},
    {"pair": (1, "二")},
    {10: "ten", 9: "nine"},
    {"amount": decimal.Decimal("1.50")},
    {"list": [EntryStatus.APPROVED, ("a",)]},
    "text",
    7,
]


def round_trip(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_value_reads_as_its_json_round_trip(value: Any) -> None:
    assert canonical(_json_ready(value)) == canonical(round_trip(value))


def test_a_deep_value_takes_the_round_trip() -> None:
    deep: Any = "bottom"
    for _ in range(40):
        deep = {"down": [deep]}
    assert canonical(_json_ready(deep)) == canonical(round_trip(deep))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_content_of_a_row_is_that_of_the_row_read_back(value: Any) -> None:
    event = AuditEvent(
        at=timezone.now(),
        actor_name="京香",
        action="ledger.edit",
        target_type="ledger.ledgerentry",
        target_id="1",
        target_repr="電子申請",
        before=value,
        after={"wrapped": value},
    )
    read_back = AuditEvent(
        at=event.at,
        actor_name=event.actor_name,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        target_repr=event.target_repr,
        before=round_trip(value),
        after=round_trip({"wrapped": value}),
    )
    assert canonical_content(event) == canonical_content(read_back)
