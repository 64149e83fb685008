"""Planning one web conference: the engine's measures for host and participants, and the invitation.

Every measure comes from `kumokan.policy.meeting` under the municipality's pack (Kitakyushu §6 is the
only seed with web-conference rules); nothing here knows which city asks for what.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from kumokan.core.templatetags.kumokan import in_language
from kumokan.errors import reads_english
from kumokan.policy import meeting
from kumokan.policy.facts import MeetingFacts, MeetingRole
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, municipalities_granting

EXAMPLES_FILE = Path(__file__).resolve().parent / "examples.yaml"


class NoMeetingRules(Exception):
    """The municipality's rules say nothing about web conferences."""

    def __init__(self, municipality: Municipality) -> None:
        super().__init__(municipality.pack_id)
        self.municipality = municipality


def planner_municipality(user: Any) -> Municipality | None:
    """The municipality whose rules the planner follows for the user: the first where they may plan."""
    municipalities = municipalities_granting(user, Capability.PLAN_MEETING)
    return municipalities[0] if municipalities else None


def has_meeting_rules(municipality: Municipality) -> bool:
    """Whether the municipality's rules say anything about web conferences (only Kitakyushu's do, §6)."""
    return municipality.pack().pack.meeting is not None


@dataclass(frozen=True)
class Example:
    """One of the seed's worked examples, as a preset that fills the planner's form."""

    id: str
    title: str
    title_en: str
    clause: str
    facts: dict[str, Any]

    @property
    def label(self) -> str:
        return self.title_en if reads_english() and self.title_en else self.title


@cache
def _all_examples() -> dict[str, tuple[Example, ...]]:
    data = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8")) or {}
    return {
        pack_id: tuple(
            Example(
                id=entry["id"],
                title=entry["title"],
                title_en=entry.get("title_en", ""),
                clause=entry["source"]["clause"],
                facts=MeetingFacts.model_validate(entry["facts"]).model_dump(mode="json"),
            )
            for entry in entries
        )
        for pack_id, entries in data.items()
    }


def examples_for(pack_id: str) -> tuple[Example, ...]:
    return _all_examples().get(pack_id, ())


@dataclass(frozen=True)
class Party:
    """What one party to the meeting must do, and what they should bear in mind."""

    measures: list[dict[str, Any]]
    findings: list[dict[str, Any]]


@dataclass(frozen=True)
class MeetingPlan:
    municipality: Municipality
    facts: dict[str, Any]
    packs: list[dict[str, str]]
    # The person planning, in the role they stated.
    own: Party
    # When that person hosts: what the participants must do under the same facts.
    participants: Party | None

    @property
    def hosting(self) -> bool:
        return self.facts["role"] == MeetingRole.HOST

    @property
    def host_only(self) -> list[dict[str, Any]]:
        """The host's measures that the participants do not share: what the host sees to before inviting."""
        if self.participants is None:
            return []
        shared = {(m["pack"], m["id"]) for m in self.participants.measures}
        return [m for m in self.own.measures if (m["pack"], m["id"]) not in shared]


def plan_meeting(municipality: Municipality, facts: dict[str, Any]) -> MeetingPlan:
    """The measures for one web conference under the municipality's pack (raises NoMeetingRules)."""
    if not has_meeting_rules(municipality):
        raise NoMeetingRules(municipality)
    checked = MeetingFacts.model_validate(facts).model_dump(mode="json")
    own = meeting(checked, municipality.pack())
    participants = None
    if checked["role"] == MeetingRole.HOST:
        judged = meeting({**checked, "role": MeetingRole.PARTICIPANT.value}, municipality.pack())
        participants = Party(judged["measures"], judged["findings"])
    return MeetingPlan(
        municipality=municipality,
        facts=checked,
        packs=own["packs"],
        own=Party(own["measures"], own["findings"]),
        participants=participants,
    )


@dataclass(frozen=True)
class Invitation:
    """What the host sends: the meeting's details, the participants' measures and, first, the host's own
    checks (the host deletes them before sending)."""

    title: str = ""
    when: str = ""
    url: str = ""


def _cited(rule: dict[str, Any], key: str = "text") -> str:
    return f"・{in_language(rule, key)}（{rule['source']['clause']}）"


def invitation_text(plan: MeetingPlan, details: Invitation) -> str:
    """The invitation as plain text, ready to copy into an e-mail."""
    assert plan.participants is not None, "only a host sends invitations"
    pack = plan.municipality.pack().pack
    title = details.title or _("(title of the meeting)")
    lines: list[str] = []
    if plan.host_only:
        lines += [
            _("[Before sending: the host's checks — delete this part]"),
            *map(_cited, plan.host_only),
            "",
        ]
    lines += [
        _("Subject: Invitation to a web conference: %(title)s") % {"title": title},
        "",
        _("%(title)s will be held as a web conference.") % {"title": title},
        _("Date and time: %(when)s") % {"when": details.when or _("(date and time)")},
        _("Meeting address: %(url)s") % {"url": details.url or _("(address of the meeting)")},
        "",
    ]
    if plan.participants.measures:
        lines += [
            _("Please take these measures when you take part:"),
            *map(_cited, plan.participants.measures),
            "",
        ]
    if plan.participants.findings:
        lines += [
            _("Please bear in mind:"),
            *(_cited(finding, "message") for finding in plan.participants.findings),
            "",
        ]
    lines.append(_("The numbers in brackets are the clauses of %(rules)s.") % {"rules": pack.rules_name})
    return "\n".join(lines)
