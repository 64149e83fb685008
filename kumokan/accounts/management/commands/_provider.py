"""What the sso_provider and saml_provider commands share: the common options, the municipality, the save."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from kumokan.accounts.actions import save_identity_provider
from kumokan.accounts.models import IdentityProvider
from kumokan.core.actors import SYSTEM
from kumokan.errors import WorkflowError
from kumokan.tenancy.models import Municipality


def add_common_arguments(parser: CommandParser, *, example: str) -> None:
    parser.add_argument("slug", help=f"identifier in the sign-in URLs, e.g. {example}")
    parser.add_argument("--municipality", required=True, help="the municipality's identifier")
    parser.add_argument("--name", required=True, help="shown on the sign-in button")


def add_session_arguments(parser: CommandParser, *, provider: str) -> None:
    parser.add_argument("--create-users", action="store_true", help="unknown people get an account")
    parser.add_argument("--recheck-minutes", type=int, default=15)
    parser.add_argument("--no-logout", action="store_true", help=f"do not end the {provider}'s session")
    parser.add_argument("--inactive", action="store_true", help="not offered on the sign-in page")


def municipality_of(options: dict[str, Any]) -> Municipality:
    municipality = Municipality.objects.filter(slug=options["municipality"]).first()
    if municipality is None:
        raise CommandError(f"No municipality {options['municipality']!r}.")
    return municipality


def set_common(provider: IdentityProvider, municipality: Municipality, options: dict[str, Any]) -> None:
    provider.municipality = municipality
    provider.name = options["name"]
    provider.create_users = options["create_users"]
    provider.recheck_minutes = options["recheck_minutes"]
    provider.is_active = not options["inactive"]


def save(provider: IdentityProvider) -> None:
    """Save through the audited action; its refusals become the command's error."""
    try:
        save_identity_provider(acting_user=SYSTEM, provider=provider)
    except ValidationError as exc:
        raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    except WorkflowError as exc:
        raise CommandError(exc.en) from exc
