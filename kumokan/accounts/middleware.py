"""Sends a signed-in person who still owes a second factor to verification (or enrolment first), and
ends single sign-on sessions that the provider no longer confirms."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from kumokan.accounts.choices import RefusalReason
from kumokan.accounts.models import IdentityProvider
from kumokan.accounts.sso import SESSION_KEY, SignInRefused, count_refusal, still_confirmed
from kumokan.accounts.sso_views import PROVIDER_TURNED_OFF, end_session
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
        "sso-start",
        "sso-callback",
        "sso-link",
        "saml-acs",
        "saml-sls",
        "saml-metadata",
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


class SSOSessionCheckMiddleware:
    """Every provider's re-check interval: a session whose provider no longer confirms the person ends.

    The provider is asked with the refresh token (or userinfo) from the server, so it works for every
    request, htmx and POST included, without sending the browser away.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        kept = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if kept and not request.path_info.startswith(OPEN_PREFIXES):
            provider = IdentityProvider.objects.filter(pk=kept.get("provider")).first()
            if provider is None:
                return end_session(request)
            if not provider.is_active:
                # Turned off (say, because it was compromised): what it signed in ends with it.
                count_refusal(
                    request,
                    provider,
                    SignInRefused(
                        RefusalReason.SESSION_ENDED,
                        "the provider was turned off",
                        subject=kept.get("sub", ""),
                        user=request.user,
                    ),
                )
                return end_session(request, PROVIDER_TURNED_OFF)
            if time.time() - kept.get("checked_at", 0) >= provider.recheck_minutes * 60:
                if not still_confirmed(provider, kept):
                    count_refusal(
                        request,
                        provider,
                        SignInRefused(
                            RefusalReason.SESSION_ENDED, subject=kept.get("sub", ""), user=request.user
                        ),
                    )
                    return end_session(request)
                kept["checked_at"] = time.time()
                request.session[SESSION_KEY] = kept
        return self.get_response(request)
