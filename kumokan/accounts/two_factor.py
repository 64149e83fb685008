"""Who must prove a second factor, and the TOTP secrets and QR codes used to enrol one.

A person who decides, governs or administers (approver, chief, security manager, administrator,
any role a pack names as approver, and Django staff) reaches nothing until a TOTP code has been
verified in the session; anyone else may enrol a device, and once enrolled is asked for it too.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.tenancy.access import memberships_of
from kumokan.tenancy.choices import Role
from kumokan.tenancy.permissions import approving_roles

ROLES_REQUIRING_TWO_FACTOR = frozenset({Role.APPROVER, Role.CHIEF, Role.SECURITY_MANAGER, Role.ADMINISTRATOR})
ISSUER = "kumokan"
PENDING_KEY_SESSION_KEY = "kumokan_pending_totp_key"


def requires_two_factor(user: Any) -> bool:
    """Whether the user must verify a TOTP code before reaching any page."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # The memberships the permission table reads for the same request (one query for both; an API
    # call asked this before its capability check).
    memberships = memberships_of(user)
    if any(membership.role in ROLES_REQUIRING_TWO_FACTOR for membership in memberships):
        return True
    # A role the city's pack names as approver (Kitakyushu's 所属長 on the low track) decides too.
    by_city: dict[int, set[str]] = {}
    for membership in memberships:
        city = membership.municipality
        if city.pk not in by_city:
            by_city[city.pk] = approving_roles(city)
        if membership.role in by_city[city.pk]:
            return True
    return False


def has_device(user: Any) -> bool:
    return user.is_authenticated and any(devices_for_user(user, confirmed=True))


def new_key() -> str:
    """A fresh 160-bit TOTP secret as hex, the form TOTPDevice stores."""
    return secrets.token_hex(20)


def base32_secret(hex_key: str) -> str:
    """The secret as an authenticator app takes it when typed in by hand."""
    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")


def provisioning_uri(user: Any, hex_key: str) -> str:
    label = quote(f"{ISSUER}:{user.get_username()}")
    return f"otpauth://totp/{label}?secret={base32_secret(hex_key)}&issuer={ISSUER}&algorithm=SHA1&digits=6&period=30"


def qr_svg(text: str) -> bytes:
    """The QR code of `text` as a standalone SVG, drawn here: the secret never leaves the server."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="utf-8")


def token_matches(hex_key: str, token: str) -> bool:
    """Whether `token` is the current code (one step either side, for clock drift) of a pending secret."""
    if not token.isdigit() or len(token) != 6:
        return False
    totp = TOTP(bytes.fromhex(hex_key), step=30, t0=0, digits=6, drift=0)
    return totp.verify(int(token), tolerance=1)


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator app shows now (for the demo and the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
