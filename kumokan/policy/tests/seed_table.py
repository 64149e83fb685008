"""The shape of the per-pack seed tables: facts → track, people, findings with severity, items present and absent.

Each table is written from its seed's text; `check_row` judges one row and `uncovered` lists the
conditional items and findings no row of the table exercises (the tables must leave none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kumokan.policy.tests.installed import judge, load_pack


@dataclass(frozen=True)
class Row:
    """One line of a seed table: what the seed says these facts lead to."""

    name: str
    facts: dict[str, Any]
    track: str
    findings: dict[str, str] = field(default_factory=dict)  # every finding: code → severity
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    packs: tuple[str, ...]
    base: dict[str, Any]
    # track → (approver title or None, applicant title), as the seed names them
    people: dict[str, tuple[str | None, str]]
    rows: Sequence[Row]
    configured_approver: str | None = None


def judged(table: Table, row: Row) -> dict[str, Any]:
    return judge(
        {**table.base, **row.facts}, list(table.packs), configured_approver=table.configured_approver
    )


def item_ids(judgment: dict[str, Any]) -> set[str]:
    return {item["id"] for items in judgment["checklists"].values() for item in items}


def check_row(table: Table, row: Row) -> None:
    judgment = judged(table, row)
    assert judgment["track"] == row.track
    approver, applicant = table.people[row.track]
    assert (judgment["approver"] or {}).get("title") == approver
    assert judgment["applicant"]["title"] == applicant
    assert {f["code"]: f["severity"] for f in judgment["findings"]} == row.findings
    ids = item_ids(judgment)
    assert set(row.present) <= ids, sorted(set(row.present) - ids)
    assert not set(row.absent) & ids, sorted(set(row.absent) & ids)


def uncovered(table: Table, packs: Sequence[str] | None = None) -> list[str]:
    """Conditional items not shown present and absent, and findings (code, track, severity) no row raises."""
    missing: list[str] = []
    present = {i for row in table.rows for i in row.present}
    absent = {i for row in table.rows for i in row.absent}
    raised = {(code, row.track, severity) for row in table.rows for code, severity in row.findings.items()}
    for pack_id in packs or table.packs:
        pack = load_pack(pack_id).pack
        for item in pack.items:
            if item.when is not None and not (item.id in present and item.id in absent):
                missing.append(f"item {item.id}")
        for finding in pack.findings:
            tracks = ("high", "low") if finding.track == "any" else (finding.track,)
            if not any((finding.code, t, finding.severity.value) in raised for t in tracks):
                missing.append(f"finding {finding.code} ({finding.track}, {finding.severity.value})")
    return missing
