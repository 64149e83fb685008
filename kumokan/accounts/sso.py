"""Single sign-on by OpenID Connect with each municipality's own provider.

mozilla-django-oidc does the protocol work (token call, JWKS, signature), configured here per provider
to also require and check `iss`, `aud`, `exp`, `iat` and `sub` (PyJWT) and to tie userinfo to the ID
token's `sub`. Which account a person gets is decided by `account_for`: only a link made once and on
purpose (kumokan.accounts.actions.link_identity) signs someone in; claims never bind an account.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kumokan.accounts.addresses import client_address
from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.models import ExternalIdentity, IdentityProvider, SignInRefusal
from kumokan.tenancy.models import Membership

# The states of sign-ins under way, in the session: {state: {provider, nonce, code_verifier, next, added_on}}.
STATES_SESSION_KEY = "kumokan_sso_states"
# The signed-in person's provider session: {provider, sub, id_token, access_token, refresh_token, checked_at}.
SESSION_KEY = "kumokan_sso"
# A sign-in waiting for the person to confirm a link with their password: {provider, sub, user, claims, added_on}.
PENDING_LINK_SESSION_KEY = "kumokan_sso_pending_link"
STATE_LIFETIME_SECONDS = 10 * 60
TIMEOUT_SECONDS = 10
CLOCK_LEEWAY_SECONDS = 60


class SignInRefused(Exception):
    """A single sign-on that must not go on; the page shows `reason`'s explanation."""

    def __init__(
        self, reason: RefusalReason, detail: str = "", *, subject: str = "", user: Any = None
    ) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail[:300]
        self.subject = subject
        self.user = user


class ProviderClient(OIDCAuthenticationBackend):
    """mozilla-django-oidc's protocol steps for one provider (its settings come from the row, not settings.py)."""

    def __init__(self, provider: IdentityProvider) -> None:
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_endpoint
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret()
        self.OIDC_RP_SIGN_ALGO = provider.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        fixed = {
            "OIDC_USE_NONCE": True,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_VERIFY_SSL": True,
            "OIDC_TIMEOUT": TIMEOUT_SECONDS,
            "OIDC_PROXY": None,
            "OIDC_TOKEN_USE_BASIC_AUTH": False,
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_STORE_ID_TOKEN": False,
        }
        return fixed[attr] if attr in fixed else super().get_settings(attr, *args)

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:  # type: ignore[override]
        """The library's check of the signature, with the audience, issuer and lifetime required as well."""
        algorithm = jwt.get_unverified_header(payload).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"ID token signed with {algorithm!r}, expected {self.OIDC_RP_SIGN_ALGO!r}"
            )
        claims: dict[str, Any] = jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=self.provider.issuer,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
        # OpenID Connect Core 3.1.3.7 (4, 5): with several audiences, we must be the authorised party.
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token has several audiences and another authorised party")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Userinfo claims, refused unless they are about the ID token's `sub` (OpenID Connect Core 5.3.2)."""
        claims: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        return claims


@dataclass
class ProviderAnswer:
    """What a completed code exchange proved: the subject, its claims and the tokens to keep for re-checks."""

    subject: str
    claims: dict[str, Any]
    tokens: dict[str, Any] = field(default_factory=dict)


def redirect_uri(request: HttpRequest, provider: IdentityProvider) -> str:
    """The callback registered with the provider: one per provider, so an answer cannot be sent to another."""
    return request.build_absolute_uri(reverse("sso-callback", args=[provider.slug]))


def exchange_code(
    request: HttpRequest, provider: IdentityProvider, code: str, nonce: str, code_verifier: str
) -> ProviderAnswer:
    """Trade the authorisation code for verified tokens and the person's claims (SignInRefused if not)."""
    try:
        client = ProviderClient(provider)
        tokens = client.get_token(
            {
                "client_id": provider.client_id,
                "client_secret": client.OIDC_RP_CLIENT_SECRET,
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri(request, provider),
                "code_verifier": code_verifier,
            }
        )
    except ImproperlyConfigured as exc:
        raise SignInRefused(RefusalReason.MISCONFIGURED, str(exc)) from exc
    except requests.HTTPError as exc:
        raise SignInRefused(RefusalReason.CODE_REFUSED, _provider_error(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused(RefusalReason.UNREACHABLE, type(exc).__name__) from exc
    id_token, access_token = tokens.get("id_token"), tokens.get("access_token")
    if not id_token or not access_token:
        raise SignInRefused(RefusalReason.UNVERIFIABLE, "no ID token or access token in the answer")
    try:
        payload = client.verify_token(id_token, nonce=nonce)
        claims = client.get_userinfo(access_token, id_token, payload)
    except (jwt.InvalidTokenError, SuspiciousOperation) as exc:
        raise SignInRefused(RefusalReason.UNVERIFIABLE, f"{type(exc).__name__}: {exc}") from exc
    except requests.HTTPError as exc:
        raise SignInRefused(RefusalReason.PROVIDER_ERROR, _provider_error(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused(RefusalReason.UNREACHABLE, type(exc).__name__) from exc
    subject = str(payload["sub"])
    if "\x00" in subject:
        raise SignInRefused(RefusalReason.UNVERIFIABLE, "sub contains a NUL character")
    # OpenID Connect Core 2: at most 255 ASCII characters; a longer one would be stored cut short (or fail).
    if len(subject) > ExternalIdentity._meta.get_field("subject").max_length:  # type: ignore[operator]
        raise SignInRefused(RefusalReason.UNVERIFIABLE, f"sub is {len(subject)} characters long")
    kept = {name: tokens.get(name) for name in ("id_token", "access_token", "refresh_token")}
    return ProviderAnswer(subject=subject, claims={**without_nul(claims), "sub": subject}, tokens=kept)


def without_nul(value: Any) -> Any:
    """Claims (often the person's to edit) and error texts with no NUL characters: PostgreSQL refuses them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):
        return {key: without_nul(item) for key, item in value.items()}
    return value


def _provider_error(exc: requests.HTTPError) -> str:
    response = exc.response
    if response is None:
        return str(exc)
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    return f"HTTP {response.status_code} {body.get('error', '')}: {body.get('error_description', '')}"


def email_is_verified(claims: dict[str, Any]) -> bool:
    verified = claims.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.lower() == "true")


@dataclass
class Decision:
    """Who the answer signs in: `user` now, or `link_to` once the person confirms with their password."""

    user: Any = None
    link_to: Any = None


def account_for(provider: IdentityProvider, answer: ProviderAnswer) -> Decision:
    """The account the provider's answer may sign in, decided by the (provider, sub) link alone.

    Without a link, a verified e-mail address that matches exactly one account of the provider's
    municipality proposes a link the person must confirm; otherwise a new account is created only
    where the provider allows it. E-mail and usernames are never trusted to pick an account.
    """
    identity = (
        ExternalIdentity.objects.filter(provider=provider, subject=answer.subject)
        .select_related("user")
        .first()
    )
    if identity is not None:
        if not identity.user.is_active:
            raise SignInRefused(RefusalReason.ACCOUNT_DISABLED, subject=answer.subject, user=identity.user)
        return Decision(user=identity.user)
    email = str(answer.claims.get("email") or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    if email and email_is_verified(answer.claims):
        members = Membership.objects.filter(municipality=provider.municipality).values("user")
        matches = list(users.filter(email__iexact=email, pk__in=members).distinct()[:2])
        if len(matches) > 1:
            raise SignInRefused(RefusalReason.AMBIGUOUS, email, subject=answer.subject)
        if not matches:
            # An account the municipality disabled is not replaced by a new one (creation below).
            disabled = get_user_model().objects.filter(is_active=False, email__iexact=email, pk__in=members)
            if (user := disabled.first()) is not None:
                raise SignInRefused(RefusalReason.ACCOUNT_DISABLED, email, subject=answer.subject, user=user)
        if matches:
            user = matches[0]
            if ExternalIdentity.objects.filter(provider=provider, user=user).exists():
                raise SignInRefused(RefusalReason.ALREADY_LINKED, email, subject=answer.subject, user=user)
            if not user.has_usable_password():
                raise SignInRefused(RefusalReason.NO_PASSWORD, email, subject=answer.subject, user=user)
            return Decision(link_to=user)
    if provider.create_users:
        return Decision(user=create_account(provider, answer))
    if email and not email_is_verified(answer.claims):
        raise SignInRefused(RefusalReason.UNVERIFIED_EMAIL, email, subject=answer.subject)
    if email and users.filter(email__iexact=email).exists():
        raise SignInRefused(RefusalReason.OTHER_MUNICIPALITY, email, subject=answer.subject)
    raise SignInRefused(RefusalReason.UNKNOWN_PERSON, email, subject=answer.subject)


def names_from(claims: dict[str, Any]) -> tuple[str, str]:
    """(family name, given name): the separate claims where given, else the whole `name` as written.

    display_name() writes family name first, as Japanese documents do; a `name` without its parts is
    kept whole rather than split by a guess.
    """
    family, given = str(claims.get("family_name") or "").strip(), str(claims.get("given_name") or "").strip()
    if family or given:
        return family[:150], given[:150]
    return str(claims.get("name") or "").strip()[:150], ""


def create_account(provider: IdentityProvider, answer: ProviderAnswer) -> Any:
    """A new account without roles, linked to the subject from the start (the provider allows creation)."""
    from kumokan.accounts.actions import link_identity

    name = re.sub(r"[^\w.@+-]", "-", str(answer.claims.get("preferred_username") or answer.subject))
    base = f"{provider.slug}-{name}"
    User = get_user_model()
    longest: int = User._meta.get_field("username").max_length  # type: ignore[assignment]
    username, n = base[:longest], 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base[: longest - len(str(n)) - 1]}-{n}"
    family, given = names_from(answer.claims)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            email=str(answer.claims.get("email") or "")[:254],
            last_name=family,
            first_name=given,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        link_identity(
            acting_user=user, provider=provider, subject=answer.subject, user=user, method=LinkMethod.CREATED
        )
    return user


def fill_names(user: Any, claims: dict[str, Any]) -> None:
    """Give an account without a name the provider's (a name binds nothing; kumokan's own is kept)."""
    if user.last_name or user.first_name:
        return
    family, given = names_from(claims)
    if family or given:
        user.last_name, user.first_name = family, given
        user.save(update_fields=["last_name", "first_name"])


def count_refusal(request: HttpRequest, provider: IdentityProvider, refused: SignInRefused) -> SignInRefusal:
    """Keep the refusal apart from password failures: django-axes never hears of it."""
    return SignInRefusal.objects.create(
        provider=provider,
        reason=refused.reason,
        subject=without_nul(refused.subject)[:255],
        user=refused.user,
        detail=without_nul(refused.detail)[:300],
        address=client_address(request),
    )


def keep_session(request: HttpRequest, provider: IdentityProvider, answer: ProviderAnswer) -> None:
    """After login(): what the re-checks and the sign-out at the provider need."""
    request.session[SESSION_KEY] = {
        "provider": provider.pk,
        "sub": answer.subject,
        **answer.tokens,
        "checked_at": time.time(),
    }


def still_confirmed(provider: IdentityProvider, kept: dict[str, Any]) -> bool:
    """Whether the provider still confirms the person: a refresh-token grant, else userinfo.

    Only a refusal by the provider ends the session; a provider that cannot be reached is asked again
    at the next interval (its outage must not sign a city's staff out).
    """
    if not ExternalIdentity.objects.filter(
        provider=provider, subject=kept.get("sub"), user__is_active=True
    ).exists():
        return False
    if provider.is_saml:
        # SAML has no back channel to ask: the link and the account are re-checked, and the session
        # ends at the IdP's SessionNotOnOrAfter (and when the IdP sends a LogoutRequest).
        until = kept.get("not_on_or_after") or 0
        return not until or time.time() < until
    try:
        client = ProviderClient(provider)
        if kept.get("refresh_token"):
            tokens = client.get_token(
                {
                    "client_id": provider.client_id,
                    "client_secret": client.OIDC_RP_CLIENT_SECRET,
                    "grant_type": "refresh_token",
                    "refresh_token": kept["refresh_token"],
                }
            )
            # The refresh succeeding is the confirmation; its tokens came straight from the token
            # endpoint to our authenticated call, and identify no one new.
            kept.update(
                {
                    name: tokens[name]
                    for name in ("access_token", "refresh_token", "id_token")
                    if tokens.get(name)
                }
            )
        else:
            claims = client.get_userinfo(
                kept["access_token"], kept.get("id_token") or "", {"sub": kept.get("sub")}
            )
            return bool(claims)
    except requests.HTTPError as exc:
        return exc.response is None or exc.response.status_code >= 500
    except (requests.RequestException, ValueError, ImproperlyConfigured):
        return True
    except SuspiciousOperation:
        return False
    return True
