"""Responses that no browser or proxy may keep."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Every page, download and API answer says `Cache-Control: no-store, private` unless its view chose
    otherwise: what a signed-in person saw (a ledger, an export, a token's answers) must not stay in a
    shared computer's browser cache or a proxy. Static files are served before this (WhiteNoise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
