"""Single sign-on tried as an attacker would, against the real OpenID Connect provider on loopback.

Each test is one attempt: forged or swapped answers, open redirects, another city's provider, the link
step's password guessed, groups naming roles nobody approved, a provider turned off or missing its secret.
"""

from __future__ import annotations

from io import StringIO
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from kumokan.accounts.actions import link_identity, save_identity_provider
from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.models import ExternalIdentity, IdentityProvider, SignInRefusal
from kumokan.accounts.sso import ProviderAnswer, create_account
from kumokan.accounts.testing import device_for, fresh_code
from kumokan.accounts.tests.conftest import PASSWORD, configure_provider, sso
from kumokan.accounts.tests.oidc import CLIENT_ID, SECRET_VARIABLE, ProviderBrowser, TestProvider
from kumokan.accounts.tests.test_sso_linking import link, refusal_reason, signed_in_as
from kumokan.accounts.tests.test_sso_refusals import linked_by_administrator
from kumokan.core.actors import SYSTEM
from kumokan.errors import WorkflowError
from kumokan.tenancy.access import roles_of
from kumokan.tenancy.actions import create_municipality, grant_membership


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def tanaka(idp, test_provider, person) -> Any:
    user = person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp")
    linked_by_administrator(idp, user, "sub-tanaka")
    test_provider.person("sub-tanaka", email="tanaka@city.kobe.lg.jp", email_verified=True)
    return user


@pytest.fixture
def amagasaki_idp(test_provider, idp) -> IdentityProvider:
    """Amagasaki's provider: the same loopback provider (same issuer, same subjects), another city's row."""
    create_municipality(acting_user=SYSTEM, slug="amagasaki", name="尼崎市", pack_id="amagasaki")
    return configure_provider(test_provider, "amagasaki", "amagasaki")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http://testserver.evil.example/"],
)
def test_next_cannot_send_the_signed_in_person_to_another_site(
    client: Client, idp, tanaka, provider_browser, target: str
) -> None:
    start = client.get("/sso/kobe/", {"next": target})
    response = client.get(provider_browser.visit(start["Location"], "sub-tanaka"))

    assert signed_in_as(client) == tanaka
    assert response["Location"] == "/"


def test_next_within_kumokan_is_followed_through_the_link_step(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    person("suzuki", "applicant", email="suzuki@city.kobe.lg.jp")
    test_provider.person("sub-suzuki", email="suzuki@city.kobe.lg.jp", email_verified=True)
    start = client.get("/sso/kobe/", {"next": "/ledger/"})
    client.get(provider_browser.visit(start["Location"], "sub-suzuki"))

    assert link(client)["Location"] == "/ledger/"


def test_an_attackers_code_under_the_victims_state_is_refused(idp, tanaka, test_provider) -> None:
    # Login CSRF: the attacker signs in at the provider as themself and stops before kumokan, then
    # gets the victim's browser to bring the attacker's code back under the victim's own state.
    test_provider.person("sub-attacker", email="attacker@example.jp", email_verified=True)
    attacker = Client()
    attackers_answer = ProviderBrowser().visit(attacker.get("/sso/kobe/")["Location"], "sub-attacker")
    victim = Client()
    victims_state = query(victim.get("/sso/kobe/")["Location"])["state"]

    swapped = victim.get(
        "/sso/kobe/callback/", {"code": query(attackers_answer)["code"], "state": victims_state}
    )
    whole = victim.get(attackers_answer)

    # PKCE: the code was asked for with the attacker's verifier, which the victim's session does not hold.
    assert refusal_reason(swapped) == RefusalReason.CODE_REFUSED
    assert refusal_reason(whole) == RefusalReason.STATE_UNKNOWN
    assert signed_in_as(victim) is None


def test_a_tampered_state_is_refused(client: Client, idp, tanaka, provider_browser) -> None:
    answer = query(provider_browser.visit(client.get("/sso/kobe/")["Location"], "sub-tanaka"))

    response = client.get("/sso/kobe/callback/", {"code": answer["code"], "state": answer["state"] + "x"})

    assert refusal_reason(response) == RefusalReason.STATE_UNKNOWN
    assert signed_in_as(client) is None


def test_an_answer_started_for_another_citys_provider_is_refused_at_this_ones_callback(
    client: Client, idp, amagasaki_idp, tanaka, provider_browser
) -> None:
    answer = provider_browser.visit(client.get("/sso/amagasaki/")["Location"], "sub-tanaka")

    response = client.get("/sso/kobe/callback/?" + urlsplit(answer).query)

    assert refusal_reason(response) == RefusalReason.STATE_UNKNOWN
    assert signed_in_as(client) is None


def test_another_citys_provider_does_not_sign_in_this_citys_user_with_the_same_sub(
    client: Client, idp, amagasaki_idp, tanaka, provider_browser
) -> None:
    # The same issuer and subject, but the link is Kobe's provider's: Amagasaki's does not reach it.
    response = sso(client, provider_browser, "sub-tanaka", slug="amagasaki")

    assert refusal_reason(response) == RefusalReason.OTHER_MUNICIPALITY
    assert signed_in_as(client) is None


def test_another_citys_provider_creating_accounts_creates_a_new_one_not_this_citys_user(
    client: Client, idp, amagasaki_idp, tanaka, provider_browser
) -> None:
    amagasaki_idp.create_users = True
    save_identity_provider(acting_user=SYSTEM, provider=amagasaki_idp)

    sso(client, provider_browser, "sub-tanaka", slug="amagasaki")

    user = signed_in_as(client)
    assert user != tanaka and user.username.startswith("amagasaki-")
    assert roles_of(user, amagasaki_idp.municipality) == set()
    assert roles_of(tanaka, idp.municipality) == {"applicant"}


def test_guessing_the_link_steps_password_locks_it_like_the_sign_in_form(
    idp, test_provider, provider_browser, person
) -> None:
    suzuki = person("suzuki", "approver", email="suzuki@city.kobe.lg.jp")
    test_provider.person("sub-attacker", email="suzuki@city.kobe.lg.jp", email_verified=True)
    attacker = Client()
    sso(attacker, provider_browser, "sub-attacker")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert link(attacker, f"guess {n}").status_code == 200
    assert link(attacker, "the last guess").status_code == 429

    response = link(attacker, PASSWORD)

    assert response.status_code == 429
    assert signed_in_as(attacker) is None
    assert not ExternalIdentity.objects.filter(user=suzuki).exists()


def test_a_group_named_like_a_role_gives_nothing_without_an_approved_mapping(
    client: Client, idp, tanaka, test_provider, provider_browser
) -> None:
    idp.scopes = "openid email profile groups"
    save_identity_provider(acting_user=SYSTEM, provider=idp)
    test_provider.person("sub-tanaka", groups=["administrator", "approver", "auditor", "kumokan-admins"])

    sso(client, provider_browser, "sub-tanaka")

    assert signed_in_as(client) == tanaka
    assert roles_of(tanaka, idp.municipality) == {"applicant"}


def test_a_mapping_approved_for_another_citys_provider_gives_nothing_here(
    client: Client, idp, amagasaki_idp, tanaka, test_provider, provider_browser, person
) -> None:
    from kumokan.accounts.actions import approve_group_mapping

    amagasaki_admin = person("amagasaki-admin")
    grant_membership(
        acting_user=SYSTEM,
        user=amagasaki_admin,
        municipality=amagasaki_idp.municipality,
        role="administrator",
    )
    approve_group_mapping(
        acting_user=amagasaki_admin, provider=amagasaki_idp, group="approvers", role="approver"
    )
    idp.scopes = "openid email profile groups"
    save_identity_provider(acting_user=SYSTEM, provider=idp)
    test_provider.person("sub-tanaka", groups=["approvers"])

    sso(client, provider_browser, "sub-tanaka")

    assert roles_of(tanaka, idp.municipality) == {"applicant"}
    assert roles_of(tanaka, amagasaki_idp.municipality) == set()


def test_a_disabled_provider_offers_no_sign_in(client: Client, idp, tanaka, provider_browser) -> None:
    start = client.get("/sso/kobe/")["Location"]
    idp.is_active = False
    save_identity_provider(acting_user=SYSTEM, provider=idp)

    assert client.get(provider_browser.visit(start, "sub-tanaka")).status_code == 404
    assert client.get("/sso/kobe/").status_code == 404
    assert 'href="/sso/kobe/"' not in client.get("/login/").content.decode()
    assert signed_in_as(client) is None


def test_a_missing_secret_file_is_a_page(
    client: Client, idp, tanaka, provider_browser, tmp_path, monkeypatch
) -> None:
    idp.client_secret_env, idp.client_secret_file = "", str(tmp_path / "no-such-secret")
    save_identity_provider(acting_user=SYSTEM, provider=idp)

    response = sso(client, provider_browser, "sub-tanaka")

    assert refusal_reason(response) == RefusalReason.MISCONFIGURED
    assert signed_in_as(client) is None


def test_a_state_parameter_is_not_reflected_into_the_refusal_page(client: Client, idp) -> None:
    response = client.get("/sso/kobe/callback/?" + urlencode({"state": "<script>x</script>", "code": "c"}))

    assert refusal_reason(response) == RefusalReason.STATE_UNKNOWN
    assert "<script>x" not in response.content.decode()


def test_a_provider_with_links_cannot_be_pointed_at_another_issuer(
    idp, tanaka, test_provider, tmp_path, monkeypatch
) -> None:
    # Another issuer's "sub-tanaka" is another person: the links made with this issuer's must not
    # sign them in. A new provider (another identifier) is set up instead, and linked again.
    other = TestProvider(tmp_path)
    try:
        with pytest.raises(CommandError, match="linked"):
            call_command(
                "sso_provider",
                "kobe",
                municipality="kobe",
                name="神戸市 新しい認証基盤",
                issuer=other.issuer,
                client_id=CLIENT_ID,
                secret_env=SECRET_VARIABLE,
                stdout=StringIO(),
            )
        other.person("sub-tanaka", email="someone.else@example.jp", email_verified=True)
        client = Client()
        sso(client, ProviderBrowser(), "sub-tanaka")
    finally:
        other.stop()

    idp.refresh_from_db()
    assert idp.issuer == test_provider.issuer
    # The sign-in went to the provider the link was made with, whose sub-tanaka is tanaka.
    assert signed_in_as(client) == tanaka


def test_a_provider_without_links_may_change_its_issuer(idp) -> None:
    idp.issuer = "https://idp.new-vendor.example.jp"

    save_identity_provider(acting_user=SYSTEM, provider=idp)

    idp.refresh_from_db()
    assert idp.issuer == "https://idp.new-vendor.example.jp"


def test_a_session_through_a_provider_turned_off_ends_at_the_next_request(
    client: Client, idp, tanaka, provider_browser
) -> None:
    sso(client, provider_browser, "sub-tanaka")
    assert client.get("/").status_code == 200
    idp.is_active = False
    save_identity_provider(acting_user=SYSTEM, provider=idp)

    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == "/login/"
    assert signed_in_as(client) is None
    assert "シングルサインオンが停止" in client.get("/login/").content.decode()


def test_a_city_administrator_cannot_link_an_account_that_also_serves_another_city(
    idp, amagasaki_idp, person
) -> None:
    # Linking a subject the Kobe administrator controls to the account would hand them its Amagasaki roles.
    admin = person("admin", "administrator")
    both = person("both", "applicant")
    grant_membership(
        acting_user=SYSTEM, user=both, municipality=amagasaki_idp.municipality, role="administrator"
    )

    with pytest.raises(WorkflowError) as refused:
        link_identity(
            acting_user=admin, provider=idp, subject="sub-admin", user=both, method=LinkMethod.ADMINISTRATOR
        )

    assert "尼崎市" in refused.value.ja
    assert not ExternalIdentity.objects.exists()


def test_a_city_administrator_cannot_link_a_superusers_account(idp, person) -> None:
    admin = person("admin", "administrator")
    root = person("root", "applicant", is_superuser=True, is_staff=True)

    with pytest.raises(WorkflowError):
        link_identity(
            acting_user=admin, provider=idp, subject="sub-admin", user=root, method=LinkMethod.ADMINISTRATOR
        )

    assert not ExternalIdentity.objects.exists()


def test_a_superuser_links_an_account_of_several_cities(idp, amagasaki_idp, person) -> None:
    root = person("root", is_superuser=True, is_staff=True)
    both = person("both", "applicant")
    grant_membership(acting_user=SYSTEM, user=both, municipality=amagasaki_idp.municipality, role="applicant")

    link_identity(
        acting_user=root, provider=idp, subject="sub-both", user=both, method=LinkMethod.ADMINISTRATOR
    )

    assert ExternalIdentity.objects.get().user == both


def test_a_subject_longer_than_the_standard_allows_is_refused(
    client: Client, idp, test_provider, provider_browser
) -> None:
    # OpenID Connect Core 2: sub is at most 255 ASCII characters; a longer one is not stored cut short.
    idp.create_users = True
    save_identity_provider(acting_user=SYSTEM, provider=idp)
    test_provider.person("s" * 300)

    response = sso(client, provider_browser, "s" * 300)

    assert refusal_reason(response) == RefusalReason.UNVERIFIABLE
    assert not ExternalIdentity.objects.exists()


def test_a_created_accounts_username_fits_even_with_a_long_identifier_and_username_claim(idp) -> None:
    idp.slug = "hyogo-prefecture-kobe-city-staff-directory-sign-in"
    save_identity_provider(acting_user=SYSTEM, provider=idp)
    answer = ProviderAnswer(subject="sub-long", claims={"preferred_username": "名" * 200})

    first = create_account(idp, answer)
    second = create_account(idp, ProviderAnswer(subject="sub-long-2", claims=answer.claims))

    username_field = get_user_model()._meta.get_field("username")
    assert len(first.username) <= username_field.max_length
    assert len(second.username) <= username_field.max_length and second.username != first.username


def test_a_disabled_account_found_by_its_verified_email_is_not_replaced_by_a_new_one(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    # The administrator disabled the account; creation must not hand the person a fresh one (and the
    # roles the provider's groups would give it).
    person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp", is_active=False)
    idp.create_users = True
    save_identity_provider(acting_user=SYSTEM, provider=idp)
    test_provider.person("sub-tanaka", email="tanaka@city.kobe.lg.jp", email_verified=True)

    response = sso(client, provider_browser, "sub-tanaka")

    assert refusal_reason(response) == RefusalReason.ACCOUNT_DISABLED
    assert signed_in_as(client) is None
    assert get_user_model().objects.count() == 1


def test_an_account_disabled_while_its_link_waits_for_the_password_is_told_so(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    suzuki = person("suzuki", "applicant", email="suzuki@city.kobe.lg.jp")
    test_provider.person("sub-suzuki", email="suzuki@city.kobe.lg.jp", email_verified=True)
    sso(client, provider_browser, "sub-suzuki")
    suzuki.is_active = False
    suzuki.save(update_fields=["is_active"])

    response = link(client)

    assert refusal_reason(response) == RefusalReason.ACCOUNT_DISABLED
    assert signed_in_as(client) is None and not ExternalIdentity.objects.exists()


def test_the_link_steps_code_is_throttled_after_a_wrong_one(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    # Someone who has the password still cannot try the six digits quickly (django-otp's throttle).
    kyoka = person("kyoka", "approver", email="kyoka@city.kobe.lg.jp")
    device = device_for(kyoka)
    test_provider.person("sub-kyoka", email="kyoka@city.kobe.lg.jp", email_verified=True)
    sso(client, provider_browser, "sub-kyoka")
    wrong = f"{(int(fresh_code(device)) + 1) % 1_000_000:06d}"

    assert link(client, token=wrong).status_code == 200
    refused = link(client, token=fresh_code(device))

    assert refused.status_code == 200 and signed_in_as(client) is None
    assert not ExternalIdentity.objects.exists()


def test_a_nul_character_in_the_providers_error_is_a_page_not_a_500(
    client: Client, idp, provider_browser
) -> None:
    # Anyone may append error_description to their own callback; PostgreSQL refuses NUL in text.
    state = query(client.get("/sso/kobe/")["Location"])["state"]

    response = client.get(
        "/sso/kobe/callback/", {"state": state, "error": "access_denied", "error_description": "a\x00b"}
    )

    assert refusal_reason(response) == RefusalReason.PROVIDER_ERROR
    assert SignInRefusal.objects.get().detail == "access_denied: ab"


def test_nul_characters_in_the_persons_claims_are_not_stored(
    client: Client, idp, test_provider, provider_browser
) -> None:
    # The name is often the person's to edit at the provider.
    idp.create_users = True
    idp.scopes = "openid email profile groups"
    save_identity_provider(acting_user=SYSTEM, provider=idp)
    test_provider.person(
        "sub-yamada",
        preferred_username="yamada",
        name="山田\x00太郎",
        email="y\x00@example.jp",
        groups=["a\x00"],
    )

    sso(client, provider_browser, "sub-yamada")

    user = signed_in_as(client)
    assert (user.last_name, user.email) == ("山田太郎", "y@example.jp")


def test_an_account_disabled_in_kumokan_while_signed_in_by_sso_is_signed_out_at_once(
    client: Client, idp, tanaka, provider_browser
) -> None:
    sso(client, provider_browser, "sub-tanaka")
    assert client.get("/").status_code == 200
    tanaka.is_active = False
    tanaka.save(update_fields=["is_active"])

    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")
