"""Schemas shared by the endpoints: errors, pages, and the engine's facts and judgment (CONTRACT.md)."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, GetPydanticSchema, TypeAdapter

from kumokan.policy.schemas import Judgment, facts_schema


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
    """The engine's own facts schema (`kumokan schema facts`) as one self-contained object (no $defs)."""
    schema = facts_schema()
    schema.pop("$schema")
    inlined: dict[str, Any] = _inline_refs(schema, schema.get("$defs", {}))
    inlined["description"] = (
        "The facts of one planned use (CONTRACT.md). The engine validates them; confidentiality and "
        "availability take the municipality pack's own codes. No text may contain NUL or an unpaired "
        "surrogate (422)."
    )
    return inlined


def documented_as(kind: Any) -> GetPydanticSchema:
    """Stored JSON passed out untouched, documented as `kind` (by reference to its components)."""
    core = TypeAdapter(kind).core_schema
    return GetPydanticSchema(get_pydantic_json_schema=lambda _schema, handler: handler(core))


# A judgment as stored (JudgmentSnapshot.judgment), documented by reference to the Judgment component
# (kumokan.policy.schemas, the same schema `kumokan schema judgment` prints).
StoredJudgment = Annotated[dict[str, Any] | None, documented_as(Judgment | None)]
