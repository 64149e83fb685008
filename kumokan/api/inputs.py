"""Input types: text a database can store (no NUL, no unpaired surrogate), and the engine's facts."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from kumokan.api.schemas import facts_json_schema
from kumokan.policy.schemas import NOT_BLANK

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


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "text is empty or only spaces")
    return value


# The schema says what the validators refuse: NUL (and, in words, an unpaired surrogate, which JSON
# Schema's patterns cannot name); Required also refuses text that is empty or only spaces, as
# str.strip() sees spaces (NOT_BLANK).
_NO_NUL = "^[^\\u0000]*$"
_SOME_TEXT = f"^[^\\u0000]*{NOT_BLANK[:-1]}\\u0000][^\\u0000]*$"
_STORABLE = "No NUL (U+0000) and no unpaired surrogate (422 unstorable_text)."
Text = Annotated[
    str, Field(json_schema_extra={"pattern": _NO_NUL, "x-refused": _STORABLE}), AfterValidator(_storable)
]
Required = Annotated[
    str,
    Field(min_length=1, json_schema_extra={"pattern": _SOME_TEXT, "x-refused": _STORABLE}),
    AfterValidator(_storable),
    AfterValidator(_not_blank),
]
Slug = Annotated[Required, Field(max_length=50)]
# Validated by the engine itself, so that its own messages (per key, Japanese and English) come back.
FactsInput = Annotated[dict[str, Any], AfterValidator(_storable_json), WithJsonSchema(facts_json_schema())]
# Ids as the database stores them (a 64-bit signed integer); anything else cannot name an object.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# The version of the object the caller read, on every change that can race with another's.
Version = Field(
    ge=1,
    le=2**31 - 1,
    description="The version you read: an older one is 409 stale_version (changed since), "
    "a newer one 409 unknown_version (there is no such version).",
)
