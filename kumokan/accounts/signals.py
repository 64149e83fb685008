"""Sign-ins, sign-outs, failed sign-ins and two-factor checks in the audit trail.

Django's auth signals (and django-otp's for a wrong code) are the one hook, whichever way a person
signs in (password, single sign-on, the admin). These records belong to no municipality: they go to
the installation's chain.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from kumokan.accounts.addresses import client_address
from kumokan.audit.actions import record
from kumokan.audit.choices import Action

# A user's two-factor devices were removed: sent inside remove_totp_devices' transaction with
# `acting_user` and `user`. The API revokes the user's tokens (kumokan.api.actions), for a token issued
# while the second factor guarded the account does not outlive it; an error there undoes the removal.
two_factor_removed = Signal()


def _record(actor: Any, action: Action, target: Any, request: HttpRequest | None, **after: Any) -> None:
    address = client_address(request) if request is not None else None
    with transaction.atomic():
        record(actor, action, target, None, {"address": address, **after}, municipality=None)


@receiver(user_logged_in, dispatch_uid="kumokan.audit.sign_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _record(user, Action.ACCOUNT_SIGN_IN, user, request, backend=getattr(user, "backend", ""))


@receiver(user_logged_out, dispatch_uid="kumokan.audit.sign_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _record(user, Action.ACCOUNT_SIGN_OUT, user, request)


@receiver(user_login_failed, dispatch_uid="kumokan.audit.sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    User = get_user_model()
    # An unknown name is recorded too (guessing names is what a lockout evader does); its target is
    # an account that does not exist, named as typed.
    target = User.objects.filter(username=username).first() or User(username=username)
    _record(None, Action.ACCOUNT_SIGN_IN_FAILED, target, request, username=username)


def two_factor_checked(request: HttpRequest, user: Any, *, accepted: bool) -> None:
    """A code was checked at the second step of signing in (accepted or not)."""
    _record(user, Action.ACCOUNT_TWO_FACTOR_CHECK, user, request, accepted=accepted)
