"""What a ledger entry's stored judgment asks of its life after approval.

Everything here reads the judgment snapshot the entry was approved under: the rules in force at
approval stay the rules of that service until a pack revision opens a re-check (actions.adopt_pack_version).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from typing import Any

from kumokan.applications.choices import Outcome
from kumokan.applications.models import Decision, JudgmentSnapshot
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.choices import RecheckTrigger, TaskPhase
from kumokan.policy import Judgment
from kumokan.policy.judge import source_data
from kumokan.policy.schemas import Item, RecheckRule, checklist

# The packs carry no structured disposal method. A termination item that speaks of deleting the
# encryption key (暗号鍵) asks for crypto-erase: Kobe §3.7③ and seed 004 運用・保守時 No.19 both do.
CRYPTO_ERASE_MARK = "暗号鍵"


def snapshot_of(entry: LedgerEntry) -> JudgmentSnapshot:
    """The judgment the entry's application was approved under (its latest one if none is recorded)."""
    decision = (
        Decision.objects.filter(application_id=entry.application_id, outcome=Outcome.APPROVED)
        .select_related("snapshot__document")
        .first()
    )
    if decision is not None:
        return decision.snapshot
    snapshot = entry.application.judgment
    if snapshot is None:
        raise LookupError(f"ledger entry {entry.pk} has no judgment")
    return snapshot


def phase_items(snapshot: JudgmentSnapshot) -> list[Item]:
    """The checklist items of the phases after approval, in phase order, as the judgment lists them."""
    return phase_items_of(snapshot.judgment)


def phase_items_of(judgment: Judgment) -> list[Item]:
    return [item for phase in TaskPhase.values for item in checklist(judgment, phase)]


def required_before_operation(snapshot: JudgmentSnapshot) -> list[Item]:
    return [item for item in phase_items(snapshot) if item.get("required_before_operation")]


def recheck_rules(snapshot: JudgmentSnapshot, trigger: str | None = None) -> list[RecheckRule]:
    """The judgment's re-check rules (those with `trigger` among their triggers, if given)."""
    return recheck_rules_of(snapshot.judgment, trigger)


def recheck_rules_of(judgment: Judgment, trigger: str | None = None) -> list[RecheckRule]:
    rules = judgment.get("rechecks", [])
    return [rule for rule in rules if trigger is None or trigger in rule["triggers"]]


def scheduled_kind(rule: Mapping[str, Any]) -> RecheckTrigger:
    """A periodic rule that also fires on personnel changes is an access-right review."""
    if RecheckTrigger.PERSONNEL_CHANGE in rule["triggers"]:
        return RecheckTrigger.ACCESS_REVIEW
    return RecheckTrigger.PERIODIC


def crypto_erase_items(snapshot: JudgmentSnapshot) -> list[dict[str, Any]]:
    """The termination items asking that the information be made unrecoverable by deleting its keys.

    Required on the high track only: there the information is of the classification these clauses
    protect (Kobe §3.7③ 機密性の高い情報); seed 004's item is a capability the contract must secure.
    """
    if snapshot.track != "high":
        return []
    return [item for item in snapshot.items(TaskPhase.TERMINATION) if CRYPTO_ERASE_MARK in item["text"]]


def termination_approval(entry: LedgerEntry) -> dict[str, Any] | None:
    """Who must approve the application to stop using this service before its information is disposed
    of, as the municipality's pack says for the entry's track (Kobe §7.1①): {"role", "title", "source"},
    or None where the pack asks for no approval."""
    pack = entry.municipality.pack().pack
    rule = pack.workflow.termination_approved_by
    if rule is None or rule.track not in ("any", entry.track):
        return None
    return {"role": rule.role.value, "title": rule.title, "source": source_data(pack, rule.source)}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day where it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
