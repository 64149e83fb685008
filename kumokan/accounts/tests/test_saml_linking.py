"""SAML 2.0 sign-on binds an account to the IdP's (entityID, persistent NameID) once, on purpose, by the same
rules as OpenID Connect (sso.account_for, actions.link_identity): attributes never bind an account.

Every test signs in through a real pysaml2 IdP on loopback (kumokan.accounts.tests.saml_idp), whose
signed responses are posted to kumokan's ACS by the Django test client.
"""

from __future__ import annotations

from django.test import Client

from kumokan.accounts.choices import LinkMethod, Protocol, RefusalReason
from kumokan.accounts.models import ExternalIdentity, SignInRefusal
from kumokan.accounts.tests.conftest import configure_saml, saml_sso
from kumokan.accounts.tests.test_sso_linking import link, refusal_reason, signed_in_as
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import create_municipality

TANAKA_MAIL = "tanaka@city.kobe.lg.jp"


def test_the_sp_metadata_names_kumokans_endpoints_and_certificate(
    client: Client, saml_provider, saml_keys
) -> None:
    metadata = client.get("/sso/kobe-saml/saml/metadata/").content.decode()

    assert 'entityID="http://testserver/sso/kobe-saml/saml/metadata/"' in metadata
    assert 'Location="http://testserver/sso/kobe-saml/saml/acs/"' in metadata
    assert 'Location="http://testserver/sso/kobe-saml/saml/sls/"' in metadata
    certificate = "".join(saml_keys[1].read_text().splitlines()[1:-1])
    assert certificate in "".join(metadata.split())
    assert saml_provider.protocol == Protocol.SAML and saml_provider.issuer.endswith("/idp")


def test_the_sign_in_page_offers_the_citys_saml_idp(client: Client, saml_provider) -> None:
    page = client.get("/login/").content.decode()

    assert "/sso/kobe-saml/" in page and saml_provider.name in page


def test_first_sign_in_with_the_directorys_email_links_only_after_the_password(
    client: Client, saml_provider, saml_idp, person
) -> None:
    tanaka = person("tanaka", "applicant", email=TANAKA_MAIL)
    saml_idp.person("p-tanaka", mail="Tanaka@city.kobe.lg.jp", sn="田中", givenName="一郎")
    saml_idp.login = "p-tanaka"

    response = saml_sso(client)

    assert response.status_code == 302 and response["Location"] == "/sso/link/", response.content[:800]
    assert signed_in_as(client) is None
    assert link(client, "not the password at all").status_code == 200
    assert signed_in_as(client) is None and not ExternalIdentity.objects.exists()

    response = link(client)

    assert response.status_code == 302
    assert signed_in_as(client) == tanaka
    identity = ExternalIdentity.objects.get()
    assert (identity.provider, identity.subject, identity.user) == (saml_provider, "p-tanaka", tanaka)
    assert identity.method == LinkMethod.PASSWORD_CONFIRMED
    event = AuditEvent.objects.get(action=Action.ACCOUNT_SSO_LINK)
    assert event.actor == tanaka and event.after["issuer"] == saml_idp.entity_id
    tanaka.refresh_from_db()
    assert (tanaka.last_name, tanaka.first_name) == ("田中", "一郎")


def linked(client: Client, saml_idp, person) -> object:
    """Tanaka of Kobe, linked to the NameID p-tanaka by a confirmed first sign-in."""
    tanaka = person("tanaka", "applicant", email=TANAKA_MAIL)
    saml_idp.person("p-tanaka", mail=TANAKA_MAIL)
    saml_idp.login = "p-tanaka"
    saml_sso(client)
    link(client)
    assert signed_in_as(client) == tanaka
    return tanaka


def test_later_sign_ins_go_by_the_name_id_alone(client: Client, saml_provider, saml_idp, person) -> None:
    tanaka = linked(client, saml_idp, person)

    # The IdP now sends no attributes at all: the NameID is enough, and nothing is asked again.
    saml_idp.person("p-tanaka")
    fresh = Client()
    response = saml_sso(fresh)

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(fresh) == tanaka


def test_a_changed_email_does_not_rebind_the_account(client: Client, saml_provider, saml_idp, person) -> None:
    tanaka = linked(client, saml_idp, person)
    person("suzuki", "approver", email="suzuki@city.kobe.lg.jp")

    saml_idp.person("p-tanaka", mail="suzuki@city.kobe.lg.jp")
    again = Client()
    saml_sso(again)

    assert signed_in_as(again) == tanaka


def test_another_name_id_with_a_linked_users_email_is_refused(
    client: Client, saml_provider, saml_idp, person
) -> None:
    linked(client, saml_idp, person)

    saml_idp.person("p-impostor", mail=TANAKA_MAIL)
    saml_idp.login = "p-impostor"
    other = Client()
    response = saml_sso(other)

    assert refusal_reason(response) == RefusalReason.ALREADY_LINKED
    assert signed_in_as(other) is None and ExternalIdentity.objects.count() == 1


def test_an_email_the_city_does_not_vouch_for_proposes_no_link(
    client: Client, saml_provider, saml_idp, person
) -> None:
    person("tanaka", "applicant", email=TANAKA_MAIL)
    saml_provider.saml_email_verified = False
    saml_provider.save()
    saml_idp.person("p-tanaka", mail=TANAKA_MAIL)
    saml_idp.login = "p-tanaka"

    response = saml_sso(client)

    assert refusal_reason(response) == RefusalReason.UNVERIFIED_EMAIL
    assert signed_in_as(client) is None and not ExternalIdentity.objects.exists()


def test_another_citys_idp_signs_in_no_one_of_this_city(
    client: Client, saml_provider, saml_idps, person
) -> None:
    tanaka = linked(client, saml_idps["kobe"], person)
    create_municipality(acting_user=SYSTEM, slug="amagasaki", name="尼崎市", pack_id="amagasaki")
    amagasaki_idp = saml_idps["amagasaki"]
    configure_saml(Client(), amagasaki_idp, "amagasaki-saml", "amagasaki", email_verified=True)
    # The same NameID and e-mail at Amagasaki's IdP: another person, for another city's accounts.
    amagasaki_idp.person("p-tanaka", mail=TANAKA_MAIL)
    amagasaki_idp.login = "p-tanaka"

    other = Client()
    response = saml_sso(other, "amagasaki-saml")

    assert refusal_reason(response) == RefusalReason.OTHER_MUNICIPALITY
    assert signed_in_as(other) is None
    assert list(ExternalIdentity.objects.values_list("user", flat=True)) == [tanaka.pk]
    refusal = SignInRefusal.objects.get()
    assert (refusal.provider.slug, refusal.subject) == ("amagasaki-saml", "p-tanaka")


def test_creation_on_makes_an_account_without_roles_linked_to_the_name_id(
    client: Client, saml_provider, saml_idp
) -> None:
    saml_provider.create_users = True
    saml_provider.save()
    saml_idp.person("p-new", displayName="山田 花子")
    saml_idp.login = "p-new"

    response = saml_sso(client)

    assert response.status_code == 302 and response["Location"] == "/sso/no-roles/"
    user = signed_in_as(client)
    assert user.last_name == "山田 花子" and not user.has_usable_password()
    identity = ExternalIdentity.objects.get()
    assert (identity.subject, identity.method) == ("p-new", LinkMethod.CREATED)
