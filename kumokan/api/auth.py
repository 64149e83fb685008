"""Bearer-token authentication: the token's user becomes request.user, as a session login would.

Each operation's auth also applies the UI's permission table (kumokan.tenancy.permissions): a role that
grants none of the operation's capabilities is refused with 403 before the input is even read, just as
the page's @requires refuses before its form is, so the API refuses what the UI refuses.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from kumokan.accounts.addresses import client_address
from kumokan.accounts.two_factor import has_device, requires_two_factor
from kumokan.api.models import TOKEN_PREFIX, ApiToken, token_digest
from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.tenancy.permissions import Capability, allows

# Writing last_used_at on every request would turn each read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """A valid token (401 otherwise), whose user holds a role granting one of `capabilities` (403 otherwise)."""

    def __init__(self, *capabilities: Capability) -> None:
        super().__init__()
        self.capabilities = capabilities

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        api_token = (
            ApiToken.objects.active().select_related("user").filter(digest=token_digest(token)).first()
        )
        if api_token is None:
            return None
        user: Any = api_token.user
        # The two-factor rule holds at each use, not only when the token was issued: a person who
        # has since gained a role that requires a second factor reaches nothing until a device is enrolled.
        if requires_two_factor(user) and not has_device(user):
            raise PermissionDenied(
                _(
                    "Your roles require two-factor authentication: enrol a device on the web before "
                    "using an API token."
                )
            )
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION:
            # Token use is audited as often as it is stamped (at most once a minute per token).
            with transaction.atomic():
                ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
                record(user, Action.API_TOKEN_USE, api_token, None, {"address": client_address(request)})
            api_token.last_used_at = now
        request.user = user
        if self.capabilities and not any(allows(user, capability) for capability in self.capabilities):
            raise PermissionDenied
        return api_token


def requires(*capabilities: Capability) -> TokenAuth:
    """The auth of an operation that stands for a page guarded by @requires(*capabilities)."""
    return TokenAuth(*capabilities)
