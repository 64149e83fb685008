"""Account steps that change state: enrol or remove a second factor, unlock a locked-out account."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.accounts.two_factor import new_key, requires_two_factor
from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.errors import WorkflowError

DEVICE_NAME = "kumokan"
# Made by `manage.py demo` only; `manage.py demo_otp` shows codes for no other device.
DEMO_DEVICE_NAME = "demo"
ONLY_ADMINISTRATOR_JA = "この操作はシステム管理者だけが行えます。"
ONLY_ADMINISTRATOR_EN = "Only an administrator may do this."


def enrol_totp_device(*, acting_user: Any, hex_key: str, name: str = DEVICE_NAME) -> TOTPDevice:
    """Store the user's verified TOTP secret as their one device (replacing any earlier one)."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=acting_user.pk)
        before = {"devices": list(TOTPDevice.objects.filter(user=user).values_list("name", flat=True))}
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=name, key=hex_key, confirmed=True)
        record(acting_user, Action.ACCOUNT_TWO_FACTOR_ENROL, user, before, {"devices": [name]})
    return device


def remove_totp_devices(*, acting_user: Any, user: Any) -> None:
    """Remove a user's devices: their own choice where not required, or an administrator's reset."""
    if acting_user.pk == user.pk and requires_two_factor(user):
        raise WorkflowError(
            "役割上、二要素認証が必要なため、認証デバイスを削除できません。",
            "Your roles require two-factor authentication; the device cannot be removed.",
            code="two_factor_required",
        )
    if acting_user.pk != user.pk and not acting_user.is_superuser:
        raise WorkflowError(ONLY_ADMINISTRATOR_JA, ONLY_ADMINISTRATOR_EN, code="forbidden")
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        names = list(TOTPDevice.objects.filter(user=locked).values_list("name", flat=True))
        if not names:
            return
        TOTPDevice.objects.filter(user=locked).delete()
        record(acting_user, Action.ACCOUNT_TWO_FACTOR_REMOVE, locked, {"devices": names}, {"devices": []})


def unlock_account(*, acting_user: Any, username: str) -> int:
    """Clear the failed sign-ins that locked `username` out; returns how many records were cleared."""
    if not acting_user.has_perm("axes.delete_accessattempt"):
        raise WorkflowError(ONLY_ADMINISTRATOR_JA, ONLY_ADMINISTRATOR_EN, code="forbidden")
    with transaction.atomic():
        cleared = AxesProxyHandler.reset_attempts(username=username)
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            record(acting_user, Action.ACCOUNT_UNLOCK, user, {"locked": True}, {"locked": False})
    return cleared


def give_demo_device(user: Any) -> TOTPDevice:
    """The demo user's TOTP device, enrolled once under a fixed name (`manage.py demo` prints its secret)."""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    return device or enrol_totp_device(acting_user=user, hex_key=new_key(), name=DEMO_DEVICE_NAME)
