"""API rate limits: per token and per address, answered 429 with Retry-After (django-ninja's throttling).

The counts live in Django's default cache, which settings.py points at Redis (KUMOKAN_CACHE_URL), so
every worker of every instance counts the same requests; a per-process cache would multiply the limit
by the number of workers.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from kumokan.accounts.addresses import client_address


class _SettingRate(SimpleRateThrottle):
    """A rate read from a setting at each request (so a changed setting applies without a restart)."""

    setting = ""

    def __init__(self) -> None:
        super().__init__(getattr(settings, self.setting))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class TokenThrottle(_SettingRate):
    """At most settings.API_RATE_PER_TOKEN requests per token (its id: two tokens never share a count)."""

    scope = "token"
    setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class AddressThrottle(_SettingRate):
    """At most settings.API_RATE_PER_ADDRESS requests per client address, whatever token they carry
    (the address as the sign-in lockout counts it: behind KUMOKAN_TRUSTED_PROXY_COUNT proxies)."""

    scope = "address"
    setting = "API_RATE_PER_ADDRESS"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
