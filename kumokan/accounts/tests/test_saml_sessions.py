"""SAML sessions: signing out of kumokan ends the IdP's session too (a signed LogoutRequest to its SLO
service), an IdP's signed LogoutRequest ends kumokan's, and groups give only roles an administrator
approved (the same grant_roles_of_groups as OpenID Connect). Against the real pysaml2 IdP on loopback.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from kumokan.accounts.actions import approve_group_mapping
from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.models import ExternalIdentity, SignInRefusal
from kumokan.accounts.tests.conftest import saml_sso
from kumokan.accounts.tests.saml_idp import follow_to_kumokan
from kumokan.accounts.tests.test_sso_linking import refusal_reason, signed_in_as
from kumokan.tenancy.models import Membership

SLS = "http://testserver/sso/kobe-saml/saml/sls/"
SP = "http://testserver/sso/kobe-saml/saml/metadata/"


def signed_in_tanaka(client: Client, saml_provider: Any, saml_idp: Any, person: Any) -> Any:
    tanaka = person("tanaka", "applicant")
    ExternalIdentity.objects.create(
        provider=saml_provider, subject="p-tanaka", user=tanaka, method=LinkMethod.ADMINISTRATOR
    )
    saml_idp.login = "p-tanaka"
    saml_sso(client)
    assert signed_in_as(client) == tanaka
    return tanaka


def test_signing_out_ends_the_idps_session_too(client: Client, saml_provider, saml_idp, person) -> None:
    signed_in_tanaka(client, saml_provider, saml_idp, person)

    page = client.post("/logout/")

    assert page.status_code == 200 and signed_in_as(client) is None
    url = page.context["end_session_url"]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{saml_idp.base}/slo?") and "Signature" in query and "SAMLRequest" in query
    # The IdP checks kumokan's signature, ends its session and answers kumokan's SLS.
    back = follow_to_kumokan(url)
    assert back.startswith("/sso/kobe-saml/saml/sls/?SAMLResponse=")
    assert saml_idp.logouts == ["p-tanaka"] and saml_idp.login is None
    assert client.get(back)["Location"] == "/login/"


def test_an_idp_without_single_logout_signs_out_of_kumokan_only(
    client: Client, saml_provider, saml_idp, person
) -> None:
    saml_provider.slo_url = ""
    saml_provider.save()
    signed_in_tanaka(client, saml_provider, saml_idp, person)

    response = client.post("/logout/")

    assert signed_in_as(client) is None
    assert b"end-provider-session" not in response.content and saml_idp.logouts == []


def test_the_idps_signed_logout_request_ends_the_session(
    client: Client, saml_provider, saml_idp, person
) -> None:
    signed_in_tanaka(client, saml_provider, saml_idp, person)

    url = saml_idp.logout_request_url(SLS, SP, "p-tanaka")
    response = client.get(url.removeprefix("http://testserver"))

    assert signed_in_as(client) is None
    assert response.status_code == 302 and response["Location"].startswith(
        f"{saml_idp.base}/slo?SAMLResponse="
    )


def test_an_unsigned_or_other_persons_logout_request_ends_nothing(
    client: Client, saml_provider, saml_idp, person
) -> None:
    tanaka = signed_in_tanaka(client, saml_provider, saml_idp, person)

    unsigned = saml_idp.logout_request_url(SLS, SP, "p-tanaka", signed=False)
    response = client.get(unsigned.removeprefix("http://testserver"))
    assert refusal_reason(response) == RefusalReason.UNVERIFIABLE
    assert signed_in_as(client) == tanaka

    someone_else = saml_idp.logout_request_url(SLS, SP, "p-suzuki")
    client.get(someone_else.removeprefix("http://testserver"))
    assert signed_in_as(client) == tanaka


def test_groups_give_only_the_roles_an_administrator_approved(
    client: Client, saml_provider, saml_idp, person
) -> None:
    administrator = person("kanri", "administrator")
    approve_group_mapping(acting_user=administrator, provider=saml_provider, group="監査担当", role="auditor")
    tanaka = person("tanaka", "applicant")
    ExternalIdentity.objects.create(
        provider=saml_provider, subject="p-tanaka", user=tanaka, method=LinkMethod.ADMINISTRATOR
    )
    saml_idp.person("p-tanaka", isMemberOf=["監査担当", "管理者"])
    saml_idp.login = "p-tanaka"

    saml_sso(client)

    roles = set(Membership.objects.filter(user=tanaka).values_list("role", flat=True))
    assert roles == {"applicant", "auditor"}


def test_an_unlinked_person_is_signed_out_at_the_next_check(
    client: Client, saml_provider, saml_idp, person
) -> None:
    tanaka = signed_in_tanaka(client, saml_provider, saml_idp, person)
    ExternalIdentity.objects.filter(user=tanaka).delete()
    session = client.session
    session["kumokan_sso"]["checked_at"] = 0
    session.save()

    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == "/login/"
    assert signed_in_as(client) is None
    assert SignInRefusal.objects.get().reason == RefusalReason.SESSION_ENDED


def test_the_session_ends_at_the_idps_session_not_on_or_after(
    client: Client, saml_provider, saml_idp, person
) -> None:
    signed_in_tanaka(client, saml_provider, saml_idp, person)
    session = client.session
    session["kumokan_sso"].update(checked_at=0, not_on_or_after=time.time() - 1)
    session.save()

    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == "/login/"
    assert signed_in_as(client) is None
