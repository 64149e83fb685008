"""Schemas shared by the endpoints: errors, pages, and the engine's facts and judgment (CONTRACT.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema

from kumokan.policy.facts import Facts


class ErrorDetail(Schema):
    field: str = Field(description="The input key the problem is about (dotted), or empty.")
    message: str = Field(description="Japanese.")
    message_en: str = Field(description="English.")
    code: str | None = Field(
        None, description="The reason's own code, where one refusal has several reasons."
    )


class Error(Schema):
    code: str = Field(
        description="Stable and machine-readable, e.g. not_found, invalid_input, invalid_facts, conflict, or the refusing action's own code."
    )
    message: str = Field(description="Japanese.")
    message_en: str = Field(description="English.")
    details: list[ErrorDetail]


def errors(*statuses: int) -> dict[int, type[Error]]:
    """The error responses an operation documents, besides its success."""
    return dict.fromkeys(statuses, Error)


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline_refs(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {key: _inline_refs(value, defs) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(value, defs) for value in node]
    return node


def facts_json_schema() -> dict[str, Any]:
    """The engine's own facts model as one self-contained JSON schema (no $defs to resolve)."""
    schema = Facts.model_json_schema()
    inlined: dict[str, Any] = _inline_refs(schema, schema.get("$defs", {}))
    inlined["description"] = (
        "The facts of one planned use (CONTRACT.md). The engine validates them; confidentiality and "
        "availability take the municipality pack's own codes."
    )
    return inlined


class Source(Schema):
    model_config = ConfigDict(extra="allow")
    file: str
    clause: str


class Person(Schema):
    model_config = ConfigDict(extra="allow")
    title: str
    role: str
    source: Source


class ServiceManager(Schema):
    model_config = ConfigDict(extra="allow")
    title: str
    rule: str
    designation: str
    source: Source


class PackRef(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    version: str


class Form(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    title: str
    source: Source


class LedgerField(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    label: str
    source: Source


class Item(Schema):
    model_config = ConfigDict(extra="allow")
    id: str
    text: str
    source: Source
    pack: str
    phase: str


class Finding(Schema):
    model_config = ConfigDict(extra="allow")
    severity: Literal["block", "warn", "info"]
    code: str
    message: str
    source: Source


class Checklists(Schema):
    model_config = ConfigDict(extra="allow")
    selection: list[Item]
    procurement: list[Item]
    build: list[Item]
    operation: list[Item]
    termination: list[Item]


class Judgment(Schema):
    """kumokan.policy.judge's output, unchanged (CONTRACT.md; fields may be added, never removed)."""

    model_config = ConfigDict(extra="allow")
    packs: list[PackRef]
    track: Literal["high", "low"]
    approver: Person | None
    applicant: Person
    service_manager: ServiceManager
    forms: list[Form]
    ledger_fields: list[LedgerField]
    checklists: Checklists
    findings: list[Finding]


def judgment_json_schema() -> dict[str, Any]:
    """The Judgment schema as one self-contained JSON schema, for judgments embedded in other objects."""
    schema = Judgment.model_json_schema()
    inlined: dict[str, Any] = _inline_refs(schema, schema.get("$defs", {}))
    return inlined


# A judgment as stored (JudgmentSnapshot.judgment): passed through untouched, documented as Judgment.
StoredJudgment = Annotated[
    dict[str, Any] | None, WithJsonSchema({"anyOf": [judgment_json_schema(), {"type": "null"}]})
]
