"""`manage.py sso_provider SLUG --municipality M --issuer URL …`: set up a municipality's identity provider.

The endpoints come from the provider's discovery document, whose `issuer` must be exactly the one
given (OpenID Connect Discovery 4.3); the client secret stays in its environment variable or file.
"""

from __future__ import annotations

from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.accounts.management.commands._provider import (
    add_common_arguments,
    add_session_arguments,
    municipality_of,
    save,
    set_common,
)
from kumokan.accounts.models import IdentityProvider
from kumokan.accounts.sso import TIMEOUT_SECONDS

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
        add_common_arguments(parser, example="kobe")
        parser.add_argument("--issuer", required=True, help="exactly the provider's issuer (iss)")
        parser.add_argument("--client-id", required=True)
        secret = parser.add_mutually_exclusive_group(required=True)
        secret.add_argument("--secret-env", help="the environment variable holding the client secret")
        secret.add_argument("--secret-file", help="a file holding the client secret")
        parser.add_argument("--scopes", default="openid email profile")
        add_session_arguments(parser, provider="provider")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_of(options)
        existing = IdentityProvider.objects.filter(slug=options["slug"]).first()
        if existing is not None and existing.is_saml:
            raise CommandError(f"{existing.slug} is a SAML IdP (manage.py saml_provider).")
        document = discover(options["issuer"])
        provider = existing or IdentityProvider(slug=options["slug"])
        set_common(provider, municipality, options)
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
        save(provider)
        self.stdout.write(
            f"{provider.slug}: {provider.name} ({municipality.name}). Register with the provider the "
            f"redirect URI https://<kumokan's host>/sso/{provider.slug}/callback/ and the post-logout "
            "redirect URI https://<kumokan's host>/login/."
        )
