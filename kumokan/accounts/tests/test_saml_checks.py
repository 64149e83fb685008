"""What kumokan accepts from a SAML IdP: a response or assertion signed by the IdP's key, for kumokan's
audience and ACS, in answer to a sign-in this browser started, within its validity, used once, with a
persistent NameID. Each refusal is a page and is counted apart from password failures.

The IdP is real (pysaml2 on loopback); `options` make it answer the way a misconfigured or hostile IdP
would, and its signed answers are posted to kumokan's ACS by the Django test client.
"""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_TRANSIENT

from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.models import ExternalIdentity, SamlAssertionUse, SignInRefusal
from kumokan.accounts.saml import REQUESTS_SESSION_KEY
from kumokan.accounts.tests.conftest import saml_answer, saml_post, saml_sso, sign_in
from kumokan.accounts.tests.test_sso_linking import refusal_reason, signed_in_as


def linked_tanaka(saml_provider: Any, person: Any) -> Any:
    tanaka = person("tanaka", "applicant")
    ExternalIdentity.objects.create(
        provider=saml_provider, subject="p-tanaka", user=tanaka, method=LinkMethod.ADMINISTRATOR
    )
    return tanaka


def tanaka_at_the_idp(saml_provider: Any, saml_idp: Any, person: Any, **options: Any) -> Any:
    """Tanaka, linked, is the one signed in at the IdP, which answers with `options`."""
    tanaka = linked_tanaka(saml_provider, person)
    saml_idp.login = "p-tanaka"
    saml_idp.options.update(options)
    return tanaka


def assert_unverifiable(client: Client, response: Any) -> None:
    """Refused as unverifiable, and nobody is signed in."""
    assert refusal_reason(response) == RefusalReason.UNVERIFIABLE
    assert signed_in_as(client) is None


def test_an_assertion_signed_by_the_idp_signs_in_and_so_does_a_signed_response(
    saml_provider, saml_idp, person
) -> None:
    tanaka = tanaka_at_the_idp(saml_provider, saml_idp, person)
    for sign in ("assertion", "response"):
        saml_idp.options["sign"] = sign
        client = Client()
        saml_sso(client)
        assert signed_in_as(client) == tanaka, sign


def test_an_unsigned_response_signs_no_one_in(client: Client, saml_provider, saml_idp, person) -> None:
    tanaka_at_the_idp(saml_provider, saml_idp, person, sign="none")

    response = saml_sso(client)

    assert_unverifiable(client, response)
    assert "Neither the response nor the assertions are signed" in SignInRefusal.objects.get().detail


def test_a_response_signed_by_another_key_signs_no_one_in(
    client: Client, saml_provider, saml_idp, person
) -> None:
    tanaka_at_the_idp(saml_provider, saml_idp, person, sign="impostor")

    response = saml_sso(client)

    assert_unverifiable(client, response)


def test_a_changed_signed_assertion_signs_no_one_in(client: Client, saml_provider, saml_idp, person) -> None:
    import base64

    linked_tanaka(saml_provider, person)
    person("suzuki", "approver")
    saml_idp.login = "p-suzuki-at-idp"
    path, fields = saml_answer(client)
    xml = base64.b64decode(fields["SAMLResponse"]).replace(b"p-suzuki-at-idp", b"p-tanaka")
    fields["SAMLResponse"] = base64.b64encode(xml).decode()

    response = saml_post(client, path, fields)

    assert_unverifiable(client, response)


def test_an_assertion_for_another_audience_signs_no_one_in(
    client: Client, saml_provider, saml_idp, person
) -> None:
    tanaka_at_the_idp(
        saml_provider, saml_idp, person, audience="https://another-service.example.jp/saml/metadata/"
    )

    response = saml_sso(client)

    assert_unverifiable(client, response)


def test_a_response_for_another_destination_signs_no_one_in(
    client: Client, saml_provider, saml_idp, person
) -> None:
    tanaka_at_the_idp(
        saml_provider, saml_idp, person, destination="https://another-service.example.jp/saml/acs/"
    )

    response = saml_sso(client)

    assert_unverifiable(client, response)


def test_an_expired_assertion_signs_no_one_in(client: Client, saml_provider, saml_idp, person) -> None:
    tanaka_at_the_idp(saml_provider, saml_idp, person)
    path, fields = saml_answer(client)

    # Posted 8 minutes later: past the assertion's 5 minutes and kumokan's 1 minute of clock leeway
    # (and within the 10 minutes a sign-in request stays open).
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=8)
    with time_machine.travel(later, tick=True):
        response = saml_post(client, path, fields)

    assert_unverifiable(client, response)
    assert "too old" in SignInRefusal.objects.get().detail


def test_a_replayed_response_is_refused(client: Client, saml_provider, saml_idp, person) -> None:
    tanaka = tanaka_at_the_idp(saml_provider, saml_idp, person)
    path, fields = saml_answer(client)
    assert saml_post(client, path, fields).status_code == 302
    assert signed_in_as(client) == tanaka

    # Posted again, by the same browser or another one: its request was answered already.
    for browser in (client, Client()):
        response = saml_post(browser, path, fields)
        assert refusal_reason(response) == RefusalReason.UNSOLICITED


def test_a_replayed_assertion_is_refused_even_where_its_request_is_still_open(
    client: Client, saml_provider, saml_idp, person
) -> None:
    """Two posts of one answer racing in one session both find the request open: the assertion ID
    is what stops the second (as here, where the session is put back as the second post saw it)."""
    tanaka_at_the_idp(saml_provider, saml_idp, person)
    path, fields = saml_answer(client)
    open_requests = client.session[REQUESTS_SESSION_KEY]
    assert saml_post(client, path, fields).status_code == 302

    session = client.session
    session[REQUESTS_SESSION_KEY] = open_requests
    session.save()
    response = saml_post(client, path, fields)

    assert refusal_reason(response) == RefusalReason.REPLAYED
    assert SamlAssertionUse.objects.count() == 1


def test_an_unsolicited_response_is_refused(client: Client, saml_provider, saml_idp, person) -> None:
    tanaka_at_the_idp(saml_provider, saml_idp, person, unsolicited=True)

    response = saml_sso(client)

    assert refusal_reason(response) == RefusalReason.UNSOLICITED
    assert signed_in_as(client) is None


def test_an_answer_to_another_browsers_request_is_refused(saml_provider, saml_idp, person) -> None:
    """Login CSRF: an answer obtained by someone else must not sign this browser in."""
    tanaka_at_the_idp(saml_provider, saml_idp, person)
    path, fields = saml_answer(Client())

    victim = Client()
    response = saml_post(victim, path, fields)

    assert refusal_reason(response) == RefusalReason.UNSOLICITED
    assert signed_in_as(victim) is None


def test_transient_and_email_name_ids_are_no_link_keys(saml_provider, saml_idp, person) -> None:
    person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp")
    saml_idp.person("tanaka@city.kobe.lg.jp", mail="tanaka@city.kobe.lg.jp")
    saml_idp.login = "tanaka@city.kobe.lg.jp"
    for name_id_format in (NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_EMAILADDRESS):
        saml_idp.options["name_id_format"] = name_id_format
        client = Client()
        response = saml_sso(client)
        assert refusal_reason(response) == RefusalReason.NAME_ID_NOT_PERSISTENT
        assert "persistent NameID" in response.content.decode() or "永続" in response.content.decode()
        assert signed_in_as(client) is None
    assert not ExternalIdentity.objects.exists()


def test_another_citys_idp_answer_posted_here_is_refused(
    client: Client, saml_provider, saml_idps, person
) -> None:
    """Amagasaki's IdP (another key, another entityID) answering Kobe's request at Kobe's ACS."""
    from kumokan.accounts.tests.conftest import configure_saml
    from kumokan.core.actors import SYSTEM
    from kumokan.tenancy.actions import create_municipality

    linked_tanaka(saml_provider, person)
    create_municipality(acting_user=SYSTEM, slug="amagasaki", name="尼崎市", pack_id="amagasaki")
    amagasaki_idp = saml_idps["amagasaki"]
    configure_saml(Client(), amagasaki_idp, "amagasaki-saml", "amagasaki")
    amagasaki_idp.login = "p-tanaka"
    start = client.get("/sso/kobe-saml/")
    request_id = next(iter(client.session[REQUESTS_SESSION_KEY]))
    assert start.status_code == 302
    page = amagasaki_idp.respond(
        request_id,
        "http://testserver/sso/kobe-saml/saml/acs/",
        "http://testserver/sso/kobe-saml/saml/metadata/",
    )
    from kumokan.accounts.tests.saml_idp import post_form

    _, fields = post_form(page)
    response = saml_post(client, "/sso/kobe-saml/saml/acs/", fields)

    assert_unverifiable(client, response)


def test_refusals_never_lock_the_address_for_password_users(saml_provider, saml_idp, person) -> None:
    person("tanaka", "applicant")
    saml_idp.login = "p-stranger"
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = saml_sso(Client())
        assert refusal_reason(response) == RefusalReason.UNKNOWN_PERSON

    assert sign_in(Client(), "tanaka").status_code == 302
    assert not AccessAttempt.objects.exists()
    assert SignInRefusal.objects.filter(provider=saml_provider).count() == settings.AXES_FAILURE_LIMIT + 1


def test_a_missing_sp_key_is_a_page(client: Client, saml_provider, settings) -> None:
    settings.SAML_KEY_FILE = "/nonexistent/kumokan-saml.key"

    response = client.get("/sso/kobe-saml/")

    assert refusal_reason(response) == RefusalReason.SP_KEY_MISSING
    assert client.get("/sso/kobe-saml/saml/metadata/").status_code == 403


def test_garbage_at_the_acs_is_a_page_not_an_error(client: Client, saml_provider) -> None:
    client.get("/sso/kobe-saml/")
    for body in ({"SAMLResponse": "not base64 at all"}, {}):
        response = saml_post(client, "/sso/kobe-saml/saml/acs/", body)
        assert refusal_reason(response) == RefusalReason.UNVERIFIABLE
