"""The ID token checks mozilla-django-oidc is configured to make (PyJWT): audience, issuer, lifetime, algorithm.

Tokens are signed here with a key of the test's own, as a provider (or an impostor) would sign them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation
from django.test import Client

from kumokan.accounts.actions import save_identity_provider
from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.models import ExternalIdentity, SignInRefusal
from kumokan.accounts.sso import ProviderClient
from kumokan.accounts.tests.conftest import sso
from kumokan.accounts.tests.oidc import CLIENT_ID
from kumokan.accounts.tests.test_sso_linking import refusal_reason, signed_in_as
from kumokan.core.actors import SYSTEM

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token(idp: Any, **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": idp.issuer, "aud": CLIENT_ID, "sub": "sub-tanaka", "iat": now, "exp": now + 300}
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, KEY, algorithm="RS256")


def check(idp: Any, encoded: str) -> dict[str, Any]:
    return ProviderClient(idp)._verify_jws(encoded, KEY.public_key())


def test_a_well_formed_token_passes(idp) -> None:
    assert check(idp, token(idp))["sub"] == "sub-tanaka"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"aud": "another-application"}, jwt.InvalidAudienceError),
        ({"iss": "https://idp.another-city.example.jp"}, jwt.InvalidIssuerError),
        ({"exp": int(time.time()) - 3600}, jwt.ExpiredSignatureError),
        ({"exp": None}, jwt.MissingRequiredClaimError),
        ({"aud": None}, jwt.MissingRequiredClaimError),
        ({"sub": None}, jwt.MissingRequiredClaimError),
    ],
)
def test_a_token_for_someone_else_or_out_of_date_is_refused(
    idp, changes: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        check(idp, token(idp, **changes))


@pytest.mark.parametrize("nonce", ["the nonce of another sign-in", None])
def test_a_token_without_this_sign_ins_nonce_is_refused(idp, nonce: str | None) -> None:
    # The library's own check (OIDC_USE_NONCE), after the signature: a token minted for another
    # sign-in (or replayed from one) does not carry the nonce this session sent.
    client = ProviderClient(idp)
    client.OIDC_RP_IDP_SIGN_KEY = KEY.public_key()

    with pytest.raises(SuspiciousOperation, match="Nonce"):
        client.verify_token(token(idp, nonce=nonce), nonce="the nonce this session sent")
    assert client.verify_token(
        token(idp, nonce="the nonce this session sent"), nonce="the nonce this session sent"
    )


def test_several_audiences_need_us_as_the_authorised_party(idp) -> None:
    with pytest.raises(SuspiciousOperation):
        check(idp, token(idp, aud=[CLIENT_ID, "another-application"]))
    assert check(idp, token(idp, aud=[CLIENT_ID, "another-application"], azp=CLIENT_ID))


def test_a_token_signed_with_the_client_secret_is_refused(idp) -> None:
    forged = jwt.encode({"iss": idp.issuer, "aud": CLIENT_ID, "sub": "x"}, "a" * 32, algorithm="HS256")

    with pytest.raises(SuspiciousOperation):
        check(idp, forged)


class AboutSomeoneElse(BaseHTTPRequestHandler):
    """A userinfo endpoint that answers about another subject than the ID token's."""

    def do_GET(self) -> None:
        body = json.dumps(
            {"sub": "sub-admin", "email": "admin@city.kobe.lg.jp", "email_verified": True}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def wrong_userinfo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), AboutSomeoneElse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/me"
    server.shutdown()
    server.server_close()


def test_userinfo_about_another_subject_signs_no_one_in(
    client: Client, idp, test_provider, provider_browser, person, wrong_userinfo: str
) -> None:
    admin = person("admin", "administrator", email="admin@city.kobe.lg.jp")
    ExternalIdentity.objects.create(
        provider=idp, subject="sub-admin", user=admin, method=LinkMethod.ADMINISTRATOR
    )
    test_provider.person("sub-tanaka")
    idp.userinfo_endpoint = wrong_userinfo
    save_identity_provider(acting_user=SYSTEM, provider=idp)

    response = sso(client, provider_browser, "sub-tanaka")

    assert refusal_reason(response) == RefusalReason.UNVERIFIABLE
    assert "another subject" in SignInRefusal.objects.get().detail
    assert signed_in_as(client) is None
