"""Input types: text a database can store (no NUL, no unpaired surrogate), and the engine's facts."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from kumokan.api.schemas import facts_json_schema

# PostgreSQL stores neither NUL nor half a surrogate pair, and UTF-8 cannot encode the latter.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise PydanticCustomError("unstorable_text", "text contains NUL or an unpaired surrogate")
    return value


def _storable_json(value: Any) -> Any:
    if isinstance(value, str):
        _storable(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(str(key))
            _storable_json(item)
    elif isinstance(value, list):
        for item in value:
            _storable_json(item)
    return value


Text = Annotated[str, AfterValidator(_storable)]
Slug = Annotated[str, Field(max_length=50), AfterValidator(_storable)]
# Validated by the engine itself, so that its own messages (per key, Japanese and English) come back.
FactsInput = Annotated[dict[str, Any], AfterValidator(_storable_json), WithJsonSchema(facts_json_schema())]
# Ids as the database stores them (a 64-bit signed integer); anything else cannot name an object.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
