"""API rate limits: per token and per address, answered 429 with Retry-After (django-ninja's throttling).

The counts live in Django's default cache, which settings.py points at Redis (KUMOKAN_CACHE_URL), so
every worker of every instance counts the same requests; a per-process cache would multiply the limit
by the number of workers.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from kumokan.accounts.addresses import client_address


class _SettingRate(SimpleRateThrottle):
    """A rate read from a setting at each request (so a changed setting applies without a restart),
    counted with the cache's atomic increment.

    django-ninja's own count reads the list of recent requests and writes it back: two workers
    answering at once both read the same list and one write is lost, so parallel requests passed
    the limit (the re-test: 340 of 340 in 48 s at 300/m). Here each window of `duration` seconds has
    a counter that every request increments (Redis INCR, atomic), and a request counts the previous
    window's requests in proportion to how much of it still lies within the last `duration` seconds.
    """

    setting = ""

    def __init__(self) -> None:
        super().__init__(getattr(settings, self.setting))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request)
        if key is None or self.num_requests is None or self.duration is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self.elapsed = now - window * self.duration
        current = f"{key}:{window}"
        # Kept for two windows: the next one still counts this one's requests.
        self.cache.add(current, 0, 2 * self.duration)
        count = self.cache.incr(current)
        previous = self.cache.get(f"{key}:{window - 1}", 0)
        if previous * (1 - self.elapsed / self.duration) + count <= self.num_requests:
            return True
        # A refused request is not one made: the limit is what is served.
        self.cache.decr(current)
        return False

    def wait(self) -> float | None:
        """Until this window ends: by then the earlier requests weigh less or nothing."""
        return max(1.0, self.duration - self.elapsed) if self.duration is not None else None


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
