"""Single sign-on by SAML 2.0 with a municipality's IdP, for the cities whose platform speaks only SAML.

pysaml2 does the protocol and the XML signatures (through Debian's xmlsec1), configured here per
provider row: the IdP's entityID (the provider's `issuer`), its SSO and SLO URLs and its signing
certificate come from the database; kumokan's own key and certificate from files named in the
environment (never the database). pysaml2 checks the signature (of the response or the assertion),
the audience, the destination and recipient, InResponseTo against the sign-ins this browser started
(unsolicited responses are refused) and NotBefore/NotOnOrAfter; kumokan refuses a second use of the
same assertion ID and any NameID that is not persistent.

The answer becomes the same ProviderAnswer as an OpenID Connect sign-in's (subject = the NameID), so
which account it signs in is decided by the same sso.account_for, refusals are counted by the same
sso.count_refusal, and groups give roles through the same grant_roles_of_groups.
"""

from __future__ import annotations

import datetime
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, md, samlp
from saml2 import xmldsig as ds
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.ident import code, decode
from saml2.metadata import entity_descriptor
from saml2.response import StatusError, UnsolicitedResponse
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.sigver import SIG_RSA_SHA256, verify_redirect_signature

from kumokan.accounts.choices import RefusalReason
from kumokan.accounts.models import IdentityProvider, SamlAssertionUse
from kumokan.accounts.sso import STATE_LIFETIME_SECONDS, ProviderAnswer, SignInRefused

# The sign-in requests this browser sent to an IdP: {request ID: {provider, next, added_on}}.
REQUESTS_SESSION_KEY = "kumokan_saml_requests"
CLOCK_LEEWAY_SECONDS = 60
# An assertion without NotOnOrAfter is remembered this long against replay.
ASSERTION_MEMORY = datetime.timedelta(hours=8)

# Attribute names (pysaml2's friendly names, and the names Microsoft and others send) → OIDC claims.
ATTRIBUTES = {
    "email": (
        "mail",
        "email",
        "emailAddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ),
    "family_name": ("sn", "surname", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"),
    "given_name": ("givenName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"),
    "name": ("displayName", "cn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"),
    "preferred_username": ("uid",),
}
GROUP_ATTRIBUTES = (
    "groups",
    "isMemberOf",
    "memberOf",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
)


def sp_entity_id(request: HttpRequest, provider: IdentityProvider) -> str:
    """kumokan's entityID towards this IdP: the URL of its metadata (one per municipality's provider)."""
    return request.build_absolute_uri(reverse("saml-metadata", args=[provider.slug]))


def acs_url(request: HttpRequest, provider: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("saml-acs", args=[provider.slug]))


def sls_url(request: HttpRequest, provider: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("saml-sls", args=[provider.slug]))


def _certificate_body(pem: str) -> str:
    """The base64 of a PEM certificate, as metadata carries it."""
    lines = [line.strip() for line in pem.strip().splitlines()]
    return "".join(line for line in lines if line and not line.startswith("-----"))


def idp_metadata(provider: IdentityProvider) -> str:
    """The IdP as the database describes it, as SAML metadata for pysaml2 (its signing key included)."""
    key = md.KeyDescriptor(
        use="signing",
        key_info=ds.KeyInfo(
            x509_data=[
                ds.X509Data(
                    x509_certificate=ds.X509Certificate(text=_certificate_body(provider.idp_certificate))
                )
            ]
        ),
    )
    descriptor = md.IDPSSODescriptor(
        protocol_support_enumeration=samlp.NAMESPACE,
        key_descriptor=[key],
        single_sign_on_service=[
            md.SingleSignOnService(binding=BINDING_HTTP_REDIRECT, location=provider.sso_url)
        ],
    )
    if provider.slo_url:
        descriptor.single_logout_service = [
            md.SingleLogoutService(binding=BINDING_HTTP_REDIRECT, location=provider.slo_url)
        ]
    return str(md.EntityDescriptor(entity_id=provider.issuer, idpsso_descriptor=[descriptor]))


def _key_files() -> tuple[str, str]:
    key, cert = settings.SAML_KEY_FILE, settings.SAML_CERT_FILE
    if not key or not cert or not Path(key).is_file() or not Path(cert).is_file():
        raise SignInRefused(
            RefusalReason.SP_KEY_MISSING,
            f"KUMOKAN_SAML_KEY_FILE={key!r} KUMOKAN_SAML_CERT_FILE={cert!r}",
        )
    return key, cert


def _config(request: HttpRequest, provider: IdentityProvider) -> SPConfig:
    key, cert = _key_files()
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        raise SignInRefused(RefusalReason.SP_KEY_MISSING, "xmlsec1 is not installed")
    sp: dict[str, Any] = {
        "endpoints": {
            "assertion_consumer_service": [(acs_url(request, provider), BINDING_HTTP_POST)],
            "single_logout_service": [(sls_url(request, provider), BINDING_HTTP_REDIRECT)],
        },
        "allow_unsolicited": False,
        # Either the response or the assertion must carry the IdP's signature (checked by xmlsec1).
        "want_response_signed": False,
        "want_assertions_signed": False,
        "want_assertions_or_response_signed": True,
        "authn_requests_signed": True,
        "logout_requests_signed": True,
        "want_logout_response_signed": False,
        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
        "name_id_format_allow_create": True,
        "idp": [provider.issuer],
        "signing_algorithm": SIG_RSA_SHA256,
    }
    config = SPConfig()
    config.load(
        {
            "entityid": sp_entity_id(request, provider),
            "xmlsec_binary": xmlsec,
            "key_file": key,
            "cert_file": cert,
            "encryption_keypairs": [{"key_file": key, "cert_file": cert}],
            "allow_unknown_attributes": True,
            "accepted_time_diff": CLOCK_LEEWAY_SECONDS,
            "service": {"sp": sp},
            "metadata": {"inline": [idp_metadata(provider)]},
        }
    )
    return config


def client_for(request: HttpRequest, provider: IdentityProvider) -> Saml2Client:
    return Saml2Client(config=_config(request, provider))


def sp_metadata(request: HttpRequest, provider: IdentityProvider) -> str:
    """kumokan's SP metadata for the city's IdP: entityID, ACS, SLO and kumokan's certificate."""
    return str(entity_descriptor(_config(request, provider)))


def start_url(request: HttpRequest, provider: IdentityProvider, next_url: str) -> str:
    """A signed AuthnRequest to the IdP (HTTP-Redirect); its ID is kept to match the answer once."""
    client = client_for(request, provider)
    request_id, info = client.prepare_for_authenticate(
        entityid=provider.issuer,
        binding=BINDING_HTTP_REDIRECT,
        nameid_format=NAMEID_FORMAT_PERSISTENT,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    now = time.time()
    requests = {
        key: value
        for key, value in request.session.get(REQUESTS_SESSION_KEY, {}).items()
        if now - value["added_on"] < STATE_LIFETIME_SECONDS
    }
    requests[request_id] = {"provider": provider.pk, "next": next_url, "added_on": now}
    request.session[REQUESTS_SESSION_KEY] = requests
    return str(dict(info["headers"])["Location"])


def _outstanding(request: HttpRequest, provider: IdentityProvider) -> dict[str, str]:
    now = time.time()
    return {
        key: value["next"]
        for key, value in request.session.get(REQUESTS_SESSION_KEY, {}).items()
        if value["provider"] == provider.pk and now - value["added_on"] < STATE_LIFETIME_SECONDS
    }


def _first(ava: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        values = ava.get(name)
        if values:
            return str(values[0] if isinstance(values, list) else values)
    return ""


def claims_from(provider: IdentityProvider, ava: dict[str, Any]) -> dict[str, Any]:
    """The assertion's attributes as the claims account_for and fill_names read.

    SAML has no `email_verified`: the e-mail attribute counts as verified only where the municipality
    said its directory keeps it (provider.saml_email_verified).
    """
    claims: dict[str, Any] = {claim: _first(ava, names) for claim, names in ATTRIBUTES.items()}
    claims = {claim: value for claim, value in claims.items() if value}
    if claims.get("email"):
        claims["email_verified"] = provider.saml_email_verified
    groups: list[str] = []
    for name in GROUP_ATTRIBUTES:
        values = ava.get(name) or []
        groups += [str(value) for value in (values if isinstance(values, list) else [values])]
    if groups:
        claims["groups"] = groups
    return claims


def _remember_assertion(provider: IdentityProvider, assertion_id: str, not_on_or_after: int) -> None:
    """Refuse an assertion ID already used with this IdP (until it has expired anyway)."""
    now = timezone.now()
    SamlAssertionUse.objects.filter(expires_at__lt=now).delete()
    if not_on_or_after:
        expires = datetime.datetime.fromtimestamp(not_on_or_after, tz=datetime.UTC)
        expires += datetime.timedelta(seconds=CLOCK_LEEWAY_SECONDS)
    else:
        expires = now + ASSERTION_MEMORY
    try:
        with transaction.atomic():
            SamlAssertionUse.objects.create(provider=provider, assertion_id=assertion_id, expires_at=expires)
    except IntegrityError as exc:
        raise SignInRefused(RefusalReason.REPLAYED, assertion_id) from exc


def verify_response(
    request: HttpRequest, provider: IdentityProvider, saml_response: str
) -> tuple[ProviderAnswer, str]:
    """Check the IdP's response and return what it proves, and where the person was going.

    Each sign-in request is answered once: its ID leaves the session with the answer.
    """
    client = client_for(request, provider)
    outstanding = _outstanding(request, provider)
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding
        )
    except UnsolicitedResponse as exc:
        raise SignInRefused(RefusalReason.UNSOLICITED, str(exc)) from exc
    except StatusError as exc:
        raise SignInRefused(RefusalReason.PROVIDER_ERROR, f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # every other failure of pysaml2's checks: nobody is signed in
        raise SignInRefused(RefusalReason.UNVERIFIABLE, f"{type(exc).__name__}: {exc}") from exc
    if response is None or response.assertion is None:
        raise SignInRefused(RefusalReason.UNVERIFIABLE, "no valid assertion in the response")
    requests = request.session.get(REQUESTS_SESSION_KEY, {})
    started = requests.pop(response.in_response_to, None)
    request.session[REQUESTS_SESSION_KEY] = requests
    if started is None:
        raise SignInRefused(RefusalReason.UNSOLICITED, str(response.in_response_to))
    info = response.session_info()
    name_id = info["name_id"]
    subject = str(getattr(name_id, "text", "") or "").strip()
    if name_id is None or name_id.format != NAMEID_FORMAT_PERSISTENT or not subject:
        raise SignInRefused(RefusalReason.NAME_ID_NOT_PERSISTENT, str(getattr(name_id, "format", "")))
    _remember_assertion(provider, str(response.assertion.id), int(response.not_on_or_after or 0))
    tokens = {
        "name_id": code(name_id),
        "session_index": str(info.get("session_index") or ""),
        "not_on_or_after": int(response.session_not_on_or_after or 0),
    }
    answer = ProviderAnswer(
        subject=subject, claims={**claims_from(provider, info["ava"]), "sub": subject}, tokens=tokens
    )
    return answer, str(started["next"])


def logout_url(request: HttpRequest, provider: IdentityProvider, kept: dict[str, Any]) -> str:
    """A signed LogoutRequest to the IdP's SLO service for the signed-in NameID, or "" if it has none."""
    if not provider.slo_url or not kept.get("name_id"):
        return ""
    try:
        client = client_for(request, provider)
    except SignInRefused:
        return ""
    session_index = kept.get("session_index")
    _, logout_request = client.create_logout_request(
        provider.slo_url,
        provider.issuer,
        name_id=decode(kept["name_id"]),
        session_indexes=[session_index] if session_index else None,
        sign=False,
    )
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT, str(logout_request), provider.slo_url, sign=True, sigalg=SIG_RSA_SHA256
    )
    return str(dict(info["headers"])["Location"])


def logout_request_from_idp(request: HttpRequest, provider: IdentityProvider) -> tuple[str, str]:
    """An IdP-initiated LogoutRequest (HTTP-Redirect, signed): (its NameID as kept, the answer's URL).

    SignInRefused(UNVERIFIABLE) if it is unsigned or fails the signature check.
    """
    if not request.GET.get("Signature") or not request.GET.get("SigAlg"):
        raise SignInRefused(RefusalReason.UNVERIFIABLE, "unsigned LogoutRequest")
    client = client_for(request, provider)
    # pysaml2 checks a redirect's signature only for an IdP's incoming requests: ask it to, here.
    signed = {
        name: request.GET[name]
        for name in ("SAMLRequest", "RelayState", "SigAlg", "Signature")
        if name in request.GET
    }
    try:
        certificates = client.metadata.certs(provider.issuer, "any", "signing")
        verified = any(
            verify_redirect_signature(signed, client.sec.sec_backend, certificate)
            for _, certificate in certificates
        )
        parsed = (
            client.parse_logout_request(request.GET["SAMLRequest"], BINDING_HTTP_REDIRECT)
            if verified
            else None
        )
    except Exception as exc:  # pysaml2 refused the request: nobody is signed out
        raise SignInRefused(RefusalReason.UNVERIFIABLE, f"{type(exc).__name__}: {exc}") from exc
    if parsed is None or parsed.message.issuer is None or parsed.message.issuer.text != provider.issuer:
        raise SignInRefused(RefusalReason.UNVERIFIABLE, "LogoutRequest from another issuer")
    answer = client.create_logout_response(parsed.message, [BINDING_HTTP_REDIRECT], sign=False)
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(answer),
        provider.slo_url,
        relay_state=request.GET.get("RelayState", ""),
        response=True,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return code(parsed.message.name_id), str(dict(info["headers"])["Location"])
