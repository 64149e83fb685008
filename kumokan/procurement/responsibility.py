"""The responsibility split (Osaka 第4章2) as a reference matrix built from the pack's items.

Rows are the pack's responsibility-split items in the pack's order, each with the seed's text and clause;
columns are the kinds of service the engine can tell apart. A cell says whether the item applies to that
kind, as the engine judges it; the pack has no finer data (who sets up which layer), so none is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kumokan.catalog.choices import ServiceModel
from kumokan.core.clauses import in_the_rules_order
from kumokan.policy import judge
from kumokan.policy.facts import ServiceModel as FactServiceModel
from kumokan.tenancy.models import Municipality

# The pack's items on the responsibility split carry ".split." in their id (build.split.saas,
# proc.split.intermediary, ops.split.linked-saas …); the pack schema has no tag for them.
SPLIT_MARK = ".split."


@dataclass(frozen=True)
class Column:
    label: Any
    facts: dict[str, Any]


COLUMNS = (
    Column(ServiceModel.SAAS.label, {"service_model": FactServiceModel.SAAS.value}),
    Column(ServiceModel.PAAS.label, {"service_model": FactServiceModel.PAAS.value}),
    Column(ServiceModel.IAAS.label, {"service_model": FactServiceModel.IAAS.value}),
    Column(
        _("SaaS used through a contractor (SIer)"),
        {"service_model": FactServiceModel.SAAS.value, "operated_by_contractor": True},
    ),
)


@dataclass(frozen=True)
class MatrixRow:
    item: dict[str, Any]
    applies: list[bool]


@dataclass(frozen=True)
class Matrix:
    columns: tuple[Column, ...]
    rows: list[MatrixRow]


def _applying(municipality: Municipality, facts: dict[str, Any]) -> set[str]:
    """Ids of the items that apply to these facts on either track."""
    pack = municipality.pack().pack
    assert pack.classification is not None
    levels = pack.classification.confidentiality.levels
    found: set[str] = set()
    for level in (levels[0], levels[-1]):
        judged = judge(
            {"service_name": "—", "provider": "—", "purpose": "—", "confidentiality": level.code, **facts},
            municipality.pack(),
        )
        found |= {item["id"] for phase in judged["checklists"].values() for item in phase}
    return found


def responsibility_matrix(municipality: Municipality) -> Matrix:
    """The matrix for the municipality's own pack, ordered by clause (no rows where its pack has no such items)."""
    loaded = municipality.pack()
    split_items = in_the_rules_order(
        (item for item in loaded.pack.items if SPLIT_MARK in item.id), lambda item: item.source.clause
    )
    if not split_items:
        return Matrix(COLUMNS, [])
    applying = [_applying(municipality, column.facts) for column in COLUMNS]
    rows = []
    for item in split_items:
        data: dict[str, Any] = {
            "id": item.id,
            "text": item.text,
            "text_en": item.text_en,
            "phase": item.phase.value,
            "source": {"file": loaded.pack.source_file(item.source), "clause": item.source.clause},
        }
        rows.append(MatrixRow(data, [item.id in ids for ids in applying]))
    return Matrix(COLUMNS, rows)
