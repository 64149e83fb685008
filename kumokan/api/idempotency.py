"""Idempotency-Key on the operations that create: a repeated key gets the first answer again.

A script that lost the answer to a create (a timeout, a dropped connection) sends the request again
with the same key and gets the object it created, not a second one. The key is the caller's own (per
user); with another body it is refused (422 idempotency_key_reused). A refused request stores nothing,
so the same key may be sent again. Concurrent requests with one key wait on the key's row: the second
gets the first one's answer. A key is kept for RETENTION, then forgotten (kumokan.api.tasks, hourly).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.params import HeaderEx, P
from pydantic import Field

from kumokan.api.errors import error_response
from kumokan.api.inputs import Text
from kumokan.api.models import IdempotentRequest
from kumokan.api.renderers import dumps, json_response
from kumokan.core.actors import SignedInRequest

# How long a key's first answer is kept: a script retries within minutes, and a day covers a night's
# batch run. The hourly job deletes older keys; after that the same key creates again.
RETENTION = datetime.timedelta(hours=24)

# HeaderEx and P are ninja's spelling of Header[T, {...}] that type checkers read (the same parameter).
IdempotencyKey = HeaderEx[
    Annotated[Text, Field(min_length=1, max_length=200)] | None,
    P(
        default=None,
        alias="Idempotency-Key",
        description="Any string of yours (e.g. a UUID), at most 200 characters: a repeated key returns "
        "the first answer instead of creating again; with another body it is 422 idempotency_key_reused. "
        "A key is kept 24 hours; after that it may be used again.",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"


def create_once(
    request: SignedInRequest,
    key: str | None,
    operation: str,
    payload: Schema,
    answer: type[Schema],
    create: Callable[[], tuple[int, dict[str, Any]]],
) -> HttpResponse:
    """`create()` (status and data shaped as `answer`), or the first answer to this key."""
    if key is None:
        status, data = create()
        return json_response(_shaped(answer, data), status)
    body = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{operation}\n{body}".encode("utf-8", "surrogatepass")).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(
                    user=request.user, key=key, operation=operation, digest=digest, status=0, response={}
                )
        except IntegrityError:
            first = IdempotentRequest.objects.get(user=request.user, key=key)
            if first.digest != digest:
                return error_response(
                    422,
                    "idempotency_key_reused",
                    _("this Idempotency-Key was used for another request: send a new key"),
                )
            response = json_response(first.response, first.status)
            response[REPLAYED_HEADER] = "true"
            return response
        status, data = create()
        row.status, row.response = status, _shaped(answer, data)
        row.save(update_fields=["status", "response"])
    return json_response(row.response, row.status)


def _shaped(answer: type[Schema], data: dict[str, Any]) -> Any:
    """`data` as ninja would send it for a response of `answer` (the same JSON, replayed or not)."""
    return json.loads(dumps(answer.model_validate(data).model_dump()))
