"""The published JSON Schemas of `kumokan judge`: its facts and its judgment (CONTRACT.md).

The judgment is described, not built, here: judge.py builds plain dicts, and the tests check every
judgment of every pack against `judgment_schema(closed=True)`, so a key judge.py adds without
declaring it here fails them. Keys the judgment has carried since CONTRACT's first version are
required; keys added later are optional, because judgments stored by earlier versions lack them.
Objects allow further keys (CONTRACT: fields are added, never renamed or removed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NotRequired, cast

from pydantic import ConfigDict, TypeAdapter, with_config
from typing_extensions import TypedDict

from kumokan.policy.facts import Facts
from kumokan.policy.pack import Designation, Phase, Response, Role, Severity, Trigger
from kumokan.policy.tracks import TrackCode, TrackScope

_OPEN = ConfigDict(extra="allow")

# str.strip()'s whitespace that JSON Schema's \s lacks (ECMA-262 has no \x1c-\x1f or \x85 in \s).
NOT_BLANK = r"[^\s\u001c-\u001f\u0085]"
COUNTRY = r"^[A-Z]{2}$"


@with_config(_OPEN)
class Source(TypedDict):
    """Where a rule comes from: the seed file and the clause's own numbering."""

    file: str
    clause: str
    basis: NotRequired[Literal["seed", "contract", "configuration"]]


@with_config(_OPEN)
class PackRef(TypedDict):
    id: str
    version: str
    digest: NotRequired[str]


@with_config(_OPEN)
class ClassLevel(TypedDict):
    code: str
    label: str


@with_config(_OPEN)
class Classification(TypedDict):
    """The facts' classification codes with the pack's labels."""

    confidentiality: ClassLevel
    availability: ClassLevel


@with_config(_OPEN)
class Person(TypedDict):
    """A role as the pack names it; `configured`: the city's setting, not the seed, names the approver."""

    title: str
    role: Role
    source: Source
    configured: NotRequired[bool]
    note: NotRequired[str]


@with_config(_OPEN)
class ServiceManager(TypedDict):
    title: str
    rule: str
    designation: Designation
    source: Source
    note: NotRequired[str]


@with_config(_OPEN)
class Form(TypedDict):
    id: str
    title: str
    source: Source


@with_config(_OPEN)
class LedgerField(TypedDict):
    id: str
    label: str
    source: Source


@with_config(_OPEN)
class Item(TypedDict):
    """A checklist item; `response`: what the applicant answers (confirm: conforms, does_not_conform,
    not_applicable; accept_or_mitigate: accepted, mitigated)."""

    id: str
    text: str
    source: Source
    pack: str
    phase: Phase
    track: NotRequired[TrackScope]
    required_before_operation: NotRequired[bool]
    response: NotRequired[Response]
    group: NotRequired[str]
    text_en: NotRequired[str]
    evidence: NotRequired[str]
    responsible: NotRequired[Role]
    note: NotRequired[str]


@with_config(_OPEN)
class Finding(TypedDict):
    """One finding per code; `sources` when a city pack and an overlay both raise it."""

    severity: Severity
    code: str
    message: str
    source: Source
    pack: NotRequired[str]
    message_en: NotRequired[str]
    note: NotRequired[str]
    sources: NotRequired[list[Source]]
    packs: NotRequired[list[str]]


@with_config(_OPEN)
class RecheckRule(TypedDict):
    """A re-check the pack asks for while the service is in use."""

    id: str
    triggers: list[Trigger]
    interval_months: int | None
    responsible: Role
    report_to: Role | None
    text: str
    source: Source
    pack: str
    text_en: NotRequired[str]
    note: NotRequired[str]


@with_config(_OPEN)
class Checklists(TypedDict):
    selection: list[Item]
    procurement: list[Item]
    build: list[Item]
    operation: list[Item]
    termination: list[Item]


@with_config(_OPEN)
class Judgment(TypedDict):
    """The judgment of one planned use (`kumokan judge`, kumokan.policy.judge; CONTRACT.md)."""

    packs: list[PackRef]
    track: TrackCode
    track_label: NotRequired[str]
    track_source: NotRequired[Source]
    classification: NotRequired[Classification]
    approver: Person | None
    self_approval: NotRequired[bool]
    applicant: Person
    service_manager: ServiceManager
    forms: list[Form]
    ledger_fields: list[LedgerField]
    checklists: Checklists
    findings: list[Finding]
    rechecks: NotRequired[list[RecheckRule]]


@with_config(_OPEN)
class MeetingJudgment(TypedDict):
    """The measures and findings for one web conference (`kumokan meeting`; CONTRACT.md)."""

    packs: list[PackRef]
    measures: list[Item]
    findings: list[Finding]


def checklist(judgment: Judgment, phase: str) -> list[Item]:
    """The judgment's items of one phase (a Phase value; none for a phase a stored judgment lacks)."""
    return cast(Mapping[str, list[Item]], judgment["checklists"]).get(phase, [])


def all_items(judgment: Judgment) -> list[Item]:
    """Every item of the judgment, phase by phase in the contract's order."""
    return [item for phase in Phase for item in checklist(judgment, phase)]


def judgment_schema(*, closed: bool = False) -> dict[str, Any]:
    """The judgment's JSON Schema; `closed`: no undeclared key anywhere (for checking judge.py)."""
    schema: dict[str, Any] = TypeAdapter(Judgment).json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return _closed(schema) if closed else schema


def facts_schema() -> dict[str, Any]:
    """The facts' JSON Schema, with the constraints the engine applies beyond the types."""
    schema: dict[str, Any] = Facts.model_json_schema()
    properties = schema["properties"]
    for name in ("service_name", "provider", "purpose"):
        properties[name].update(minLength=1, pattern=NOT_BLANK)
    properties["functions"]["items"].update(minLength=1, pattern=NOT_BLANK)
    for name in ("data_location", "governing_law"):
        properties[name]["pattern"] = COUNTRY
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _closed(node: Any) -> Any:
    if isinstance(node, dict):
        closed = {key: _closed(value) for key, value in node.items()}
        if closed.get("additionalProperties") is True:
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [_closed(value) for value in node]
    return node
