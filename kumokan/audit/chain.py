"""Checking the audit trail's hash chains (one per municipality) against their heads and checkpoints,
and writing the trail out for an auditor (CSV or JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from kumokan.audit.checkpoints import Checkpoint, read_checkpoints
from kumokan.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, municipality_model


@dataclass(frozen=True)
class Break:
    """Where the chain first stops holding: the row, and what happened to it."""

    event_id: int | None
    problem: str  # "changed", "removed_before", "removed_at_end", "head_missing", "checkpoint_*"
    checkpoint: Checkpoint | None = None

    def describe(self) -> str:
        at = self.checkpoint.at if self.checkpoint else ""
        line = self.checkpoint.line if self.checkpoint else 0
        return {
            "changed": f"record {self.event_id} was changed after it was written",
            "removed_before": f"a record just before record {self.event_id} was removed",
            "removed_at_end": f"records after record {self.event_id} were removed (the chain head names a later one)",
            "head_missing": "the chain head is missing while records exist",
            "checkpoint_differs": (
                f"record {self.event_id} differs from the checkpoint of {at} (line {line}): "
                "the chain was rewritten up to it"
            ),
            "checkpoint_missing": (
                f"record {self.event_id}, the chain's end at the checkpoint of {at} (line {line}), "
                "is gone: records were removed"
            ),
            "checkpoint_forged": (
                f"checkpoint line {line} is not signed with the audit key: the checkpoint file was changed"
            ),
        }[self.problem]


@dataclass
class Chain:
    """One municipality's chain as verified so far, and how far a checkpoint vouches for it."""

    label: str
    previous: str = GENESIS_HASH
    count: int = 0
    last_id: int | None = None
    vouched: int = 0
    checkpoint_at: str = ""

    def describe(self) -> str:
        if not self.checkpoint_at:
            return (
                f"{self.label}: {self.count} records, no checkpoint yet "
                "(records cut from the chain's end would go unnoticed)"
            )
        newer = self.count - self.vouched
        return (
            f"{self.label}: {self.count} records, the first {self.vouched} vouched for by the checkpoint of "
            + (
                f"{self.checkpoint_at} ({newer} newer ones not yet)"
                if newer
                else f"{self.checkpoint_at} (all)"
            )
        )


@dataclass(frozen=True)
class Verification:
    count: int
    first_break: Break | None
    chains: tuple[Chain, ...] = ()

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(municipality: Any = None, chunk_size: int = 2000) -> Verification:
    """Recompute every row's keyed hash in order, chain by chain, and hold each chain to its head and
    to every checkpoint; the first row that does not match is reported.

    With `municipality`, only that municipality's chain is verified.
    """
    checkpoints, forged = read_checkpoints()
    events = AuditEvent.objects.order_by("id")
    heads = AuditChainHead.objects.all()
    if municipality is not None:
        events = events.filter(municipality=municipality)
        heads = heads.filter(municipality=municipality)
        checkpoints = [c for c in checkpoints if c.municipality_id == municipality.pk]
    slugs = dict(municipality_model()._default_manager.values_list("pk", "slug"))
    chains: dict[int | None, Chain] = {}

    def chain_of(key: int | None) -> Chain:
        if key not in chains:
            chains[key] = Chain(label=slugs.get(key, str(key)) if key is not None else "(no municipality)")
        return chains[key]

    def result(first_break: Break | None) -> Verification:
        return Verification(sum(c.count for c in chains.values()), first_break, tuple(chains.values()))

    if forged:
        return result(Break(None, "checkpoint_forged", Checkpoint(forged[0], "", None, 0, 0, "")))
    pinned: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        pinned.setdefault(checkpoint.last_event_id, []).append(checkpoint)
        chain_of(checkpoint.municipality_id)
    for event in events.iterator(chunk_size=chunk_size):
        chain = chain_of(event.municipality_id)
        if event.previous_hash != chain.previous:
            return result(Break(event.pk, "removed_before"))
        if event.content_hash() != event.hash:
            return result(Break(event.pk, "changed"))
        chain.previous, chain.last_id, chain.count = event.hash, event.pk, chain.count + 1
        for checkpoint in pinned.pop(event.pk, ()):
            if (checkpoint.municipality_id, checkpoint.length, checkpoint.last_hash) != (
                event.municipality_id,
                chain.count,
                event.hash,
            ):
                return result(Break(event.pk, "checkpoint_differs", checkpoint))
            if checkpoint.length >= chain.vouched:
                chain.vouched, chain.checkpoint_at = checkpoint.length, checkpoint.at
    for missing in pinned.values():
        checkpoint = missing[0]
        return result(Break(checkpoint.last_event_id, "checkpoint_missing", checkpoint))
    found = {head.municipality_id: head for head in heads}
    for key, chain in chains.items():
        head = found.get(key)
        if head is None:
            if chain.count:
                return result(Break(None, "head_missing"))
        elif head.last_hash != chain.previous or head.length != chain.count:
            return result(Break(chain.last_id, "removed_at_end"))
    for key, head in found.items():
        if key not in chains and head.length:
            return result(Break(head.last_event_id, "removed_at_end"))
    return result(None)


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
