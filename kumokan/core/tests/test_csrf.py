"""CSRF: every page that takes a POST refuses one without the token, signed in or not, before any view runs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.core.tests.test_tenant_isolation_crawl import PARAMETER, routes
from kumokan.tenancy.actions import create_municipality, grant_membership
from kumokan.tenancy.choices import Role

# The REST API authenticates each request by its bearer token and sets no cookie: nothing to forge.
BEARER_ONLY = ("api/v1/",)
# A SAML IdP posts its answer from its own site, where no CSRF token can come from: the answer is
# accepted only when it answers a sign-in request this browser's session started (InResponseTo,
# kumokan.accounts.saml), which does what the token does. test_saml_checks tries the forged ones.
CROSS_SITE_BY_PROTOCOL = ("/sso/x/saml/acs/",)


def every_post_path() -> list[str]:
    paths = []
    for route, _name in routes():
        if route.startswith(BEARER_ONLY):
            continue
        path = PARAMETER.sub(lambda m: "1" if (m.group("converter") or "str") == "int" else "x", route)
        paths.append("/" + path)
    return paths


def test_no_page_accepts_a_post_without_the_csrf_token(db: Any) -> None:
    kobe = create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")
    user = get_user_model().objects.create_user("kanri", password="long enough passphrase 42")
    for role in (Role.APPLICANT, Role.ADMINISTRATOR, Role.SERVICE_MANAGER, Role.AUDITOR):
        grant_membership(acting_user=SYSTEM, user=user, municipality=kobe, role=role)
    signed_in, anonymous = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    signed_in.force_login(user)
    before = AuditEvent.objects.count()

    accepted = [
        f"{who} {path} {response.status_code}"
        for who, client in (("signed in", signed_in), ("anonymous", anonymous))
        for path in every_post_path()
        if path not in CROSS_SITE_BY_PROTOCOL
        if (response := client.post(path, {"name": "x"})).status_code != 403
        or b"CSRF" not in response.content
    ]

    assert accepted == []
    assert AuditEvent.objects.count() == before
    assert set(CROSS_SITE_BY_PROTOCOL) <= set(every_post_path())  # no stale exemption


def test_the_same_post_with_the_token_goes_through(db: Any) -> None:
    get_user_model().objects.create_user("tanaka", password="long enough passphrase 42")
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")

    response = client.post(
        "/login/",
        {
            "username": "tanaka",
            "password": "long enough passphrase 42",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )

    assert response.status_code == 302
