"""Test helpers: complete the second factor the way an enrolled person's authenticator app would.

The root conftest uses these so that `client.force_login(user)` and the browser `login` helper give a
fully signed-in session for every role, while TwoFactorMiddleware stays on in every test.
"""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.accounts.two_factor import current_code, new_key

TEST_DEVICE_NAME = "test authenticator"


def device_for(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device, enrolled directly if there is none (no audit row: test set-up)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name=TEST_DEVICE_NAME, key=new_key(), confirmed=True
    )


def fresh_code(device: TOTPDevice) -> str:
    """The device's current code, usable even if this time step's code was already used."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    if device.last_t >= now:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=now - 1)
        device.refresh_from_db()
    return current_code(device)


def verify_client_session(client: Any, user: Any) -> None:
    """Mark a test client's session as having passed the second factor with the user's device."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()
