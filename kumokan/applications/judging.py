"""Running the engine on an application's facts under its municipality's packs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kumokan.applications.routing import resolve_approver
from kumokan.policy import Judgment, judge
from kumokan.policy.facts import canonical_facts
from kumokan.policy.schemas import PackRef
from kumokan.tenancy.models import Municipality


@dataclass(frozen=True)
class Judged:
    """The engine's judgment of some facts, with the facts in the canonical form we store."""

    facts: dict[str, Any]
    judgment: Judgment
    approver_role: str | None
    approver_title: str

    @property
    def packs(self) -> list[PackRef]:
        return list(self.judgment["packs"])

    @property
    def track(self) -> str:
        return str(self.judgment["track"])

    @property
    def function_name(self) -> str:
        """The catalogue's function name: the one function applied for, or several joined."""
        return "・".join(self.facts["functions"])


def judge_facts(municipality: Municipality, facts: dict[str, Any]) -> Judged:
    """Judge `facts` (CONTRACT.md) for this municipality; raises kumokan.policy.FactsError per key.

    Usable by a view to preview the judgment before anything is saved.
    """
    judgment = judge(facts, municipality.packs(), configured_approver=municipality.configured_approver)
    role, title = resolve_approver(municipality, judgment)
    return Judged(facts=canonical_facts(facts), judgment=judgment, approver_role=role, approver_title=title)
