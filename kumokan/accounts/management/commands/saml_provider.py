"""`manage.py saml_provider SLUG --municipality M --metadata URL|FILE …`: set up a municipality's SAML IdP.

The IdP's entityID, single sign-on and logout URLs (HTTP-Redirect binding) and signing certificate come
from its metadata (or are given one by one); kumokan's own key and certificate stay in the files named by
KUMOKAN_SAML_KEY_FILE and KUMOKAN_SAML_CERT_FILE. The IdP's administrator registers kumokan with the SP
metadata at https://<kumokan's host>/sso/SLUG/saml/metadata/.
"""

from __future__ import annotations

import ipaddress
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.core.management.base import BaseCommand, CommandError, CommandParser
from saml2 import BINDING_HTTP_REDIRECT
from saml2.md import entity_descriptor_from_string

from kumokan.accounts.choices import Protocol
from kumokan.accounts.management.commands._provider import (
    add_common_arguments,
    add_session_arguments,
    municipality_of,
    save,
    set_common,
)
from kumokan.accounts.models import IdentityProvider
from kumokan.accounts.sso import TIMEOUT_SECONDS


def _pem(body: str) -> str:
    body = "".join(body.split())
    return (
        "-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(body, 64)) + "\n-----END CERTIFICATE-----\n"
    )


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fingerprint(pem: str) -> str:
    """The certificate's SHA-256 fingerprint (CommandError if it is not a PEM certificate)."""
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise CommandError(f"The IdP's certificate is not a PEM certificate: {exc}") from exc
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def read_metadata(source: str) -> dict[str, str]:
    """entityID, SSO and SLO URLs (HTTP-Redirect) and the signing certificate from an IdP's metadata."""
    if source.startswith("http://") and not _is_loopback(source):
        # The metadata names the key kumokan trusts: over plain http anyone on the way could swap it.
        raise CommandError(f"Read the IdP's metadata over https, or give it as a file: {source}")
    try:
        if source.startswith(("https://", "http://")):
            response = requests.get(source, timeout=TIMEOUT_SECONDS)
            response.raise_for_status()
            text = response.text
        else:
            text = Path(source).read_text(encoding="utf-8")
        descriptor = entity_descriptor_from_string(text)
    except (requests.RequestException, OSError, ValueError, SyntaxError) as exc:
        raise CommandError(f"Could not read the IdP metadata {source}: {exc}") from exc
    if descriptor is None or not descriptor.idpsso_descriptor:
        raise CommandError(
            f"{source} is not the metadata of one SAML IdP (EntityDescriptor with IDPSSODescriptor)."
        )
    idp = descriptor.idpsso_descriptor[0]

    def redirect(services: Any) -> str:
        return next((s.location for s in services or [] if s.binding == BINDING_HTTP_REDIRECT), "")

    certificates = [
        data.x509_certificate.text
        for key in idp.key_descriptor or []
        if key.use in (None, "signing")
        for data in key.key_info.x509_data or []
        if data.x509_certificate is not None
    ]
    values = {
        "entity_id": descriptor.entity_id or "",
        "sso_url": redirect(idp.single_sign_on_service),
        "slo_url": redirect(idp.single_logout_service),
        "certificate": _pem(certificates[0]) if certificates else "",
    }
    missing = [name for name in ("entity_id", "sso_url", "certificate") if not values[name]]
    if missing:
        raise CommandError(f"{source} does not give {', '.join(missing)} (HTTP-Redirect binding for SSO).")
    return values


class Command(BaseCommand):
    help = "Create or change a municipality's SAML 2.0 identity provider from its metadata."

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser, example="osaka")
        parser.add_argument("--metadata", help="the IdP's metadata: an https URL or a file")
        parser.add_argument("--entity-id", help="without --metadata: the IdP's entityID")
        parser.add_argument("--sso-url", help="without --metadata: SingleSignOnService (HTTP-Redirect)")
        parser.add_argument("--slo-url", default="", help="without --metadata: SingleLogoutService")
        parser.add_argument(
            "--certificate", help="without --metadata: the IdP's signing certificate (PEM file)"
        )
        parser.add_argument(
            "--email-verified",
            action="store_true",
            help="the e-mail attribute is kept by the city's directory: a first sign-in may propose a link by it",
        )
        add_session_arguments(parser, provider="IdP")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_of(options)
        if options["metadata"]:
            values = read_metadata(options["metadata"])
        else:
            if not (options["entity_id"] and options["sso_url"] and options["certificate"]):
                raise CommandError("Give --metadata, or --entity-id, --sso-url and --certificate.")
            try:
                certificate = Path(options["certificate"]).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Could not read {options['certificate']}: {exc}") from exc
            values = {
                "entity_id": options["entity_id"],
                "sso_url": options["sso_url"],
                "slo_url": options["slo_url"],
                "certificate": certificate,
            }
        certificate_fingerprint = fingerprint(values["certificate"])
        provider = IdentityProvider.objects.filter(slug=options["slug"]).first() or IdentityProvider(
            slug=options["slug"]
        )
        if provider.pk is not None and not provider.is_saml:
            raise CommandError(f"{provider.slug} is an OpenID Connect provider (manage.py sso_provider).")
        provider.protocol = Protocol.SAML
        set_common(provider, municipality, options)
        provider.issuer = values["entity_id"]
        provider.sso_url = values["sso_url"]
        provider.slo_url = "" if options["no_logout"] else values["slo_url"]
        provider.idp_certificate = values["certificate"]
        provider.saml_email_verified = options["email_verified"]
        save(provider)
        self.stdout.write(
            f"{provider.slug}: {provider.name} ({municipality.name}), IdP {provider.issuer}, signing certificate "
            f"SHA-256 {certificate_fingerprint} (compare it with the IdP's administrator). Register kumokan "
            f"with the IdP by its SP metadata https://<kumokan's host>/sso/{provider.slug}/saml/metadata/ "
            "(persistent NameID; kumokan needs KUMOKAN_SAML_KEY_FILE and KUMOKAN_SAML_CERT_FILE)."
        )
