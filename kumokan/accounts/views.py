"""Second-factor pages (verify, enrol, remove) and the password change, for the signed-in person only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import devices_for_user
from django_otp import login as otp_login

from kumokan.accounts.actions import enrol_totp_device, remove_totp_devices
from kumokan.accounts.forms import TokenForm
from kumokan.accounts.signals import two_factor_checked
from kumokan.accounts.two_factor import (
    PENDING_KEY_SESSION_KEY,
    base32_secret,
    has_device,
    new_key,
    provisioning_uri,
    qr_svg,
    requires_two_factor,
    token_matches,
)
from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_as_message


def _next_url(request: HttpRequest) -> str:
    """The page asked for before signing in, if it is one of ours; else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: SignedInRequest) -> HttpResponse:
    """The second step of signing in: the current code from the enrolled authenticator app."""
    user: Any = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return redirect(reverse("two-factor-enrol") + "?" + urlencode({"next": _next_url(request)}))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", _("Too many wrong codes. Wait a little and try again."))
                break
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                request.session.cycle_key()
                two_factor_checked(request, user, accepted=True)
                return redirect(_next_url(request))
        else:
            form.add_error("token", _("The code is wrong or has expired."))
            two_factor_checked(request, user, accepted=False)
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: SignedInRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (drawn here), then confirm one code from it."""
    user: Any = request.user
    if has_device(user) and not user.is_verified():
        # Replacing a device needs the old one first, or a password alone would defeat it.
        return redirect(reverse("two-factor-verify") + "?" + urlencode({"next": _next_url(request)}))
    key = request.session.get(PENDING_KEY_SESSION_KEY)
    if not key:
        key = request.session[PENDING_KEY_SESSION_KEY] = new_key()
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if token_matches(key, form.cleaned_data["token"]):
            device = enrol_totp_device(acting_user=user, hex_key=key)
            del request.session[PENDING_KEY_SESSION_KEY]
            otp_login(request, device)
            request.session.cycle_key()
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired."))
    context = {
        "form": form,
        "secret": base32_secret(key),
        "required": requires_two_factor(user),
        "next": _next_url(request),
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@login_required
@require_safe
def qr(request: SignedInRequest) -> HttpResponse:
    """The pending secret's QR code as SVG (no outside service ever sees the secret)."""
    user: Any = request.user
    key = request.session.get(PENDING_KEY_SESSION_KEY)
    if not key or (has_device(user) and not user.is_verified()):
        return HttpResponse(status=404)
    return HttpResponse(qr_svg(provisioning_uri(user, key)), content_type="image/svg+xml")


@never_cache
@login_required
@require_safe
def security(request: SignedInRequest) -> HttpResponse:
    """The person's sign-in settings: the second factor and a link to change the password."""
    user: Any = request.user
    context = {"has_device": has_device(user), "required": requires_two_factor(user)}
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def remove(request: SignedInRequest) -> HttpResponse:
    with refusal_as_message(request) as attempt:
        remove_totp_devices(acting_user=request.user, user=request.user)
    if not attempt.refused:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("two-factor")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' answer to a locked-out username (AXES_LOCKOUT_CALLABLE): 429 with a Japanese page."""
    from django.conf import settings

    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
