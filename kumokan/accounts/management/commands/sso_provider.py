"""`manage.py sso_provider SLUG --municipality M --issuer URL …`: set up a municipality's identity provider.

The endpoints come from the provider's discovery document, whose `issuer` must be exactly the one
given (OpenID Connect Discovery 4.3); the client secret stays in its environment variable or file.
"""

from __future__ import annotations

from typing import Any

import requests
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.accounts.actions import save_identity_provider
from kumokan.accounts.models import IdentityProvider
from kumokan.accounts.sso import TIMEOUT_SECONDS
from kumokan.core.actors import SYSTEM
from kumokan.errors import WorkflowError
from kumokan.tenancy.models import Municipality

ENDPOINTS = {
    "authorization_endpoint": "authorization_endpoint",
    "token_endpoint": "token_endpoint",
    "userinfo_endpoint": "userinfo_endpoint",
    "jwks_endpoint": "jwks_uri",
}


def discover(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (CommandError if it cannot be read or names another issuer)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise CommandError(f"Could not read {url}: {exc}") from exc
    if document.get("issuer") != issuer:
        raise CommandError(f"{url} names the issuer {document.get('issuer')!r}, not {issuer!r}.")
    missing = [key for key in ENDPOINTS.values() if not document.get(key)]
    if missing:
        raise CommandError(f"{url} does not give {', '.join(missing)}.")
    return document


class Command(BaseCommand):
    help = "Create or change a municipality's OpenID Connect identity provider from its discovery document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="identifier in the sign-in URLs, e.g. kobe")
        parser.add_argument("--municipality", required=True, help="the municipality's identifier")
        parser.add_argument("--name", required=True, help="shown on the sign-in button")
        parser.add_argument("--issuer", required=True, help="exactly the provider's issuer (iss)")
        parser.add_argument("--client-id", required=True)
        secret = parser.add_mutually_exclusive_group(required=True)
        secret.add_argument("--secret-env", help="the environment variable holding the client secret")
        secret.add_argument("--secret-file", help="a file holding the client secret")
        parser.add_argument("--scopes", default="openid email profile")
        parser.add_argument("--create-users", action="store_true", help="unknown people get an account")
        parser.add_argument("--recheck-minutes", type=int, default=15)
        parser.add_argument("--no-logout", action="store_true", help="do not end the provider's session")
        parser.add_argument("--inactive", action="store_true", help="not offered on the sign-in page")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality {options['municipality']!r}.")
        existing = IdentityProvider.objects.filter(slug=options["slug"]).first()
        if existing is not None and existing.is_saml:
            raise CommandError(f"{existing.slug} is a SAML IdP (manage.py saml_provider).")
        document = discover(options["issuer"])
        provider = existing or IdentityProvider(slug=options["slug"])
        provider.municipality = municipality
        provider.name = options["name"]
        provider.issuer = options["issuer"]
        provider.client_id = options["client_id"]
        provider.client_secret_env = options["secret_env"] or ""
        provider.client_secret_file = options["secret_file"] or ""
        for field, key in ENDPOINTS.items():
            setattr(provider, field, document[key])
        provider.end_session_endpoint = (
            "" if options["no_logout"] else document.get("end_session_endpoint", "")
        )
        provider.scopes = options["scopes"]
        provider.create_users = options["create_users"]
        provider.recheck_minutes = options["recheck_minutes"]
        provider.is_active = not options["inactive"]
        try:
            save_identity_provider(acting_user=SYSTEM, provider=provider)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        except WorkflowError as exc:
            raise CommandError(exc.en) from exc
        self.stdout.write(
            f"{provider.slug}: {provider.name} ({municipality.name}). Register with the provider the "
            f"redirect URI https://<kumokan's host>/sso/{provider.slug}/callback/ and the post-logout "
            "redirect URI https://<kumokan's host>/login/."
        )
