"""Checking the audit trail's hash chain, and writing it out for an auditor (CSV or JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from kumokan.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class Break:
    """Where the chain first stops holding: the row, and what happened to it."""

    event_id: int | None
    problem: str  # "changed", "removed_before", "removed_at_end", "head_missing"

    def describe(self) -> str:
        return {
            "changed": f"record {self.event_id} was changed after it was written",
            "removed_before": f"a record just before record {self.event_id} was removed",
            "removed_at_end": f"records after record {self.event_id} were removed (the chain head names a later one)",
            "head_missing": "the chain head is missing while records exist",
        }[self.problem]


@dataclass(frozen=True)
class Verification:
    count: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(chunk_size: int = 2000) -> Verification:
    """Recompute every row's hash in order; the first row that does not match is reported."""
    previous = GENESIS_HASH
    count = 0
    last_id: int | None = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.previous_hash != previous:
            return Verification(count, Break(event.pk, "removed_before"))
        if event.content_hash() != event.hash:
            return Verification(count, Break(event.pk, "changed"))
        previous, last_id, count = event.hash, event.pk, count + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return Verification(count, Break(None, "head_missing") if count else None)
    if head.last_hash != previous or head.length != count:
        return Verification(count, Break(last_id, "removed_at_end"))
    return Verification(count, None)


EXPORT_FIELDS = [
    "id",
    "at",
    "actor_name",
    "municipality",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "before",
    "after",
    "request_id",
    "previous_hash",
    "hash",
]


def export_rows(events: QuerySet[AuditEvent]) -> Iterator[dict[str, Any]]:
    for event in events.select_related("municipality").order_by("id").iterator(chunk_size=2000):
        yield {
            "id": event.pk,
            "at": event.at.isoformat(),
            "actor_name": event.actor_name,
            "municipality": event.municipality.slug if event.municipality else "",
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "target_repr": event.target_repr,
            "before": event.before,
            "after": event.after,
            "request_id": event.request_id,
            "previous_hash": event.previous_hash,
            "hash": event.hash,
        }


def as_csv(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV lines (UTF-8 with a BOM so Excel opens Japanese text); JSON columns stay JSON text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    buffer.write("\ufeff")
    writer.writeheader()
    for row in rows:
        row = {**row, "before": _json(row["before"]), "after": _json(row["after"])}
        # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
        writer.writerow({k: _defuse(v) for k, v in row.items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def as_json(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array, written one row at a time."""
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "\n]\n"


def _json(value: Any) -> str:
    return (
        "" if value is None else json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    )


def _defuse(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
