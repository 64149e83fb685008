"""Running the engine on an application's facts under its municipality's packs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kumokan.applications.models import Application, JudgmentDocument, JudgmentSnapshot, judgment_digest
from kumokan.applications.routing import resolve_approver
from kumokan.policy import Judgment, judge
from kumokan.policy.facts import Facts, canonical_facts
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
    return judged_as(municipality, facts, judgment)


def judged_as(municipality: Municipality, facts: Mapping[str, Any] | Facts, judgment: Judgment) -> Judged:
    """`facts` with their judgment (judged for this municipality) and the approver it routes to."""
    role, title = resolve_approver(municipality, judgment)
    return Judged(facts=canonical_facts(facts), judgment=judgment, approver_role=role, approver_title=title)


def store_judgments(municipality: Municipality, judgments: Sequence[Judgment]) -> list[JudgmentDocument]:
    """The stored document of each judgment, in order, adding those the municipality has not stored yet.

    One approval stores one; an import of thousands of rows stores one per kind of row. The new ones
    are inserted ignoring a conflict on (municipality, digest) and all are read back by digest: of two
    transactions storing the same judgment at once, the second's insert waits on the unique index until
    the first commits, then skips the row and reads the first one's (PostgreSQL's read committed).
    """
    wanted = {judgment_digest(judgment): judgment for judgment in judgments}
    JudgmentDocument.objects.bulk_create(
        [
            JudgmentDocument(municipality=municipality, digest=digest, judgment=judgment)
            for digest, judgment in wanted.items()
        ],
        ignore_conflicts=True,
    )
    # Equal digests are equal documents: each takes the judgment in hand instead of parsing it back.
    stored = {}
    for document in JudgmentDocument.objects.filter(municipality=municipality, digest__in=wanted).defer(
        "judgment"
    ):
        document.judgment = wanted[document.digest]
        stored[document.digest] = document
    return [stored[judgment_digest(judgment)] for judgment in judgments]


def new_snapshot(application: Application, judged: Judged, document: JudgmentDocument) -> JudgmentSnapshot:
    """The (unsaved) snapshot of `judged` for `application`, its judgment being `document`."""
    return JudgmentSnapshot(
        application=application,
        facts=judged.facts,
        document=document,
        packs=judged.packs,
        track=judged.track,
        approver_role=judged.approver_role,
        approver_title=judged.approver_title,
    )
