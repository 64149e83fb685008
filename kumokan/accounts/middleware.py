"""Sends a signed-in person who still owes a second factor to verification (or enrolment first)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from kumokan.accounts.two_factor import has_device, requires_two_factor

# The pages a person needs to finish signing in (or to leave); everything else waits for the code.
OPEN_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "healthz",
        "two-factor-verify",
        "two-factor-enrol",
        "two-factor-qr",
        "oidc_authentication_init",
        "oidc_authentication_callback",
    }
)
# The API authenticates every request by its bearer token, never by the session.
OPEN_PREFIXES = ("/static/", "/api/v1/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._is_open(request):  # type: ignore[union-attr]
            if has_device(user):
                return self._redirect(request, "two-factor-verify")
            if requires_two_factor(user):
                return self._redirect(request, "two-factor-enrol")
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        if request.path_info.startswith(OPEN_PREFIXES):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 page shows nothing
        return match.url_name in OPEN_URL_NAMES

    @staticmethod
    def _redirect(request: HttpRequest, url_name: str) -> HttpResponse:
        target = reverse(url_name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        response = HttpResponseRedirect(target)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = target
        return response
