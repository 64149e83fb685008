"""Issuing and revoking API tokens.

`acting_user=SYSTEM` is kumokan itself (the `create_api_token` command, run by whoever runs the
server); a person issues and revokes only their own tokens, or any as a Django superuser.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.api.models import ApiToken, new_token_text, token_digest
from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, is_system
from kumokan.errors import WorkflowError

NAME_MAX_LENGTH = cast(int, ApiToken._meta.get_field("name").max_length)


def _require_owner(acting_user: Actor, owner: Any) -> None:
    if is_system(acting_user) or acting_user.is_superuser:
        return
    if not acting_user.is_authenticated or not acting_user.is_active or acting_user.pk != owner.pk:
        raise PermissionDenied(_("You may only manage your own API tokens."))


@transaction.atomic
def issue_api_token(*, acting_user: Actor, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token text, which is never stored or shown again."""
    _require_owner(acting_user, user)
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise WorkflowError(
            gettext_lazy("give the token a name of at most %(NAME_MAX_LENGTH)s characters"),
            code="token_name",
            params={"NAME_MAX_LENGTH": NAME_MAX_LENGTH},
        )
    if not user.is_active:
        raise WorkflowError(
            gettext_lazy("an inactive user cannot have a token"),
            code="inactive_user",
        )
    text = new_token_text()
    token = ApiToken.objects.create(user=user, name=name, prefix=text[:12], digest=token_digest(text))
    record(acting_user, Action.API_TOKEN_CREATE, token, None, state_of(token, "user", "name", "prefix"))
    return token, text


@transaction.atomic
def revoke_api_token(*, acting_user: Actor, token: ApiToken) -> ApiToken:
    """Stop the token from working, at once and for good."""
    locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _require_owner(acting_user, locked.user)
    if locked.revoked_at is not None:
        raise WorkflowError(
            gettext_lazy("the token is already revoked"),
            code="already_revoked",
        )
    before = state_of(locked, "revoked_at")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    record(acting_user, Action.API_TOKEN_REVOKE, locked, before, state_of(locked, "revoked_at"))
    return locked


def revoke_tokens_of(sender: Any, *, acting_user: Actor, user: Any, **kwargs: Any) -> None:
    """Revoke every active token of `user`: receives kumokan.accounts.signals.two_factor_removed
    (connected in ApiConfig.ready)."""
    for token in ApiToken.objects.active().filter(user=user):
        revoke_api_token(acting_user=acting_user, token=token)
