"""Running the engine for a planned procurement, and reading what its tools need out of the judgment.

The tools show what the municipality's pack says for the procurement's facts; nothing here knows which
city asks for what. Where a pack gives no structure a tool needs (the SLA template's columns, which
items make up the responsibility split), the tool reads the pack's own convention, named below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kumokan.core.answers import item_key
from kumokan.core.clauses import in_the_rules_order
from kumokan.core.templatetags.kumokan import in_language
from kumokan.policy import Judgment, judge, stacked
from kumokan.policy.schemas import Finding, Item, PackRef, all_items, checklist
from kumokan.tenancy.models import Municipality

# The overlay of seed 004: its items are the special terms a procurement specification carries.
SPECIAL_TERMS = "special-terms"
# CONTRACT.md's code for a track whose seed names no approver: the municipality's to configure, not the
# procurement's to justify.
APPROVER_NOT_CONFIGURED = "approver_not_configured"


def judge_procurement(municipality: Municipality, facts: dict[str, Any]) -> Judgment:
    """The judgment of the procurement's facts under the municipality's packs (raises FactsError per key)."""
    return judge(facts, municipality.packs(), configured_approver=municipality.configured_approver)


def special_terms_items(
    municipality: Municipality, facts: dict[str, Any]
) -> tuple[list[Item], list[PackRef]]:
    """The special-terms items that apply to the facts (judged under the city's pack and the overlay), and the packs."""
    packs = stacked(
        [
            municipality.pack(),
            *[municipality.pack_in_force(p) for p in municipality.overlay_pack_ids if p != SPECIAL_TERMS],
            municipality.pack_in_force(SPECIAL_TERMS),
        ]
    )
    judgment = judge(facts, packs, configured_approver=municipality.configured_approver)
    items = [item for item in all_items(judgment) if item["pack"] == SPECIAL_TERMS]
    return items, judgment["packs"]


def own_items(judgment: Judgment, municipality: Municipality, *phases: str) -> list[Item]:
    """The items of these phases that the municipality's own pack lists (not its overlays)."""
    return [
        item
        for phase in phases
        for item in checklist(judgment, phase)
        if item["pack"] == municipality.pack_id
    ]


def findings_to_justify(judgment: Judgment) -> list[Finding]:
    """The findings a survey answers for, e.g. Osaka's saas_by_default for IaaS/PaaS (第1章1.1)."""
    return [f for f in judgment["findings"] if f["code"] != APPROVER_NOT_CONFIGURED]


# ── sections: the seed's own numbering groups the items ────────────────────────────────────────────


def section_of(clause: str) -> str:
    """The numbered section a clause belongs to, with its heading but without the row or note after a
    space: "第3章2.3 SLA(例)項1" → "第3章2.3", "第4章2.5 注4" → "第4章2.5", "確認事項 No.1" → "確認事項";
    "第3章1.1(1)【仕様書作成時の注意点】" stays whole."""
    return clause.split(maxsplit=1)[0] if clause.strip() else clause


@dataclass(frozen=True)
class Section:
    title: str
    items: list[Item]


def by_section(items: Iterable[Item]) -> list[Section]:
    """Items grouped by the section of their clause, sections in the seed's order, items as the pack lists them."""
    sections: dict[str, list[Item]] = {}
    for item in items:
        sections.setdefault(section_of(item["source"]["clause"]), []).append(item)
    return [Section(title, sections[title]) for title in in_the_rules_order(sections, str)]


# ── the SLA template ───────────────────────────────────────────────────────────────────────────────

# The pack writes each row of a seed's SLA table as one item: "SLA 項目：内容（評価項目：…／本市要件：…）"
# (Osaka 第3章2.3 SLA(例)); the row's columns are read back out of that text. An item of another shape
# is guidance about the SLA, not a row.
SLA_ROW = re.compile(
    r"^SLA\s*(?P<item>[^：]+)：(?P<content>.*?)（(?:評価項目：(?P<measure>.*?)／)?[^（／：]*要件：(?P<template>[^）]*)）$",
    re.DOTALL,
)


@dataclass(frozen=True)
class SlaRow:
    item: Item
    name: str
    content: str
    measure: str
    template: str

    @property
    def key(self) -> str:
        return item_key(self.item)

    @property
    def gloss(self) -> str:
        """The row in the pack's English for an English reader, empty in Japanese; the seed's cells stay as
        written beside it (the contractor answers the Japanese template)."""
        english = in_language(self.item)
        return english if english != self.item["text"] else ""


def sla_rows(items: Iterable[Item]) -> list[SlaRow]:
    """The rows of the SLA template among a judgment's procurement items."""
    rows = []
    for item in items:
        match = SLA_ROW.match(item["text"])
        if match:
            rows.append(
                SlaRow(
                    item=item,
                    name=match["item"].strip(),
                    content=match["content"].strip(),
                    measure=(match["measure"] or "").strip(),
                    template=match["template"].strip(),
                )
            )
    return rows


def sla_guidance(items: list[Item], rows: list[SlaRow]) -> list[Item]:
    """The other items of the sections the SLA rows come from: what the seed says about the SLA as a whole."""
    sections = {section_of(row.item["source"]["clause"]) for row in rows}
    in_rows = {(row.item["pack"], row.item["id"]) for row in rows}
    return [
        item
        for item in items
        if section_of(item["source"]["clause"]) in sections and (item["pack"], item["id"]) not in in_rows
    ]
