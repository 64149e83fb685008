"""JSON out: UTF-8 as it is (Japanese stays readable), dates and decimals as Django encodes them."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer

CONTENT_TYPE = "application/json; charset=utf-8"


def dumps(data: Any) -> str:
    """JSON text; escaped to ASCII only when it holds what UTF-8 cannot encode (an echoed lone surrogate)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, cls=DjangoJSONEncoder)
    return text


class Utf8JSONRenderer(JSONRenderer):
    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        return dumps(data)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """A response that bypasses the schema round trip, for data that must go out exactly as it is."""
    return HttpResponse(dumps(data), status=status, content_type=CONTENT_TYPE)
