"""Every refused single sign-on is a page saying what happened and what to do, counted apart from passwords.

Through the real OpenID Connect provider on loopback (kumokan.accounts.tests.oidc).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from kumokan.accounts.actions import save_identity_provider
from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.models import ExternalIdentity, IdentityProvider, SignInRefusal
from kumokan.accounts.tests.conftest import sign_in, sso
from kumokan.accounts.tests.oidc import ProviderBrowser
from kumokan.accounts.tests.test_sso_linking import refusal_reason, signed_in_as
from kumokan.core.actors import SYSTEM, display_name


def linked_by_administrator(idp: IdentityProvider, user: Any, subject: str) -> ExternalIdentity:
    return ExternalIdentity.objects.create(
        provider=idp, subject=subject, user=user, method=LinkMethod.ADMINISTRATOR
    )


def test_refused_sign_ins_never_lock_the_address_for_password_users(
    idp, test_provider, provider_browser, person
) -> None:
    person("tanaka", "applicant")
    test_provider.person("sub-stranger", email="stranger@example.jp", email_verified=True)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = sso(Client(), provider_browser, "sub-stranger")
        assert refusal_reason(response) == RefusalReason.UNKNOWN_PERSON

    assert sign_in(Client(), "tanaka").status_code == 302
    assert not AccessAttempt.objects.exists()
    assert SignInRefusal.objects.filter(provider=idp).count() == settings.AXES_FAILURE_LIMIT + 1


def test_a_linked_person_signs_in_by_sso_from_an_address_locked_by_wrong_passwords(
    idp, test_provider, provider_browser, person
) -> None:
    tanaka = person("tanaka", "applicant")
    linked_by_administrator(idp, tanaka, "sub-tanaka")
    test_provider.person("sub-tanaka")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), f"guess{n}", "wrong password")
    assert sign_in(Client(), "tanaka").status_code == 429

    client = Client()
    sso(client, provider_browser, "sub-tanaka")

    assert signed_in_as(client) == tanaka


def test_a_replayed_answer_is_a_page_not_an_error(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    tanaka = person("tanaka", "applicant")
    linked_by_administrator(idp, tanaka, "sub-tanaka")
    test_provider.person("sub-tanaka")
    callback = provider_browser.visit(client.get("/sso/kobe/")["Location"], "sub-tanaka")
    client.get(callback)
    client.post("/logout/")

    response = client.get(callback)

    assert refusal_reason(response) == RefusalReason.STATE_UNKNOWN
    assert "サインイン画面からやり直してください" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_used_code_with_a_fresh_state_is_refused_by_the_provider(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    tanaka = person("tanaka", "applicant")
    linked_by_administrator(idp, tanaka, "sub-tanaka")
    test_provider.person("sub-tanaka")
    used = provider_browser.visit(client.get("/sso/kobe/")["Location"], "sub-tanaka")
    client.get(used)
    client.post("/logout/")

    fresh_state = parse_qs(urlsplit(client.get("/sso/kobe/")["Location"]).query)["state"][0]
    code = parse_qs(urlsplit(used).query)["code"][0]
    response = client.get("/sso/kobe/callback/", {"code": code, "state": fresh_state})

    assert refusal_reason(response) == RefusalReason.CODE_REFUSED
    assert signed_in_as(client) is None
    assert "invalid_grant" in SignInRefusal.objects.get(reason=RefusalReason.CODE_REFUSED).detail


def test_a_cancelled_sign_in_at_the_provider_says_so(client: Client, idp, provider_browser) -> None:
    response = client.get(provider_browser.abort(client.get("/sso/kobe/")["Location"]))

    assert refusal_reason(response) == RefusalReason.PROVIDER_ERROR
    assert "access_denied" in SignInRefusal.objects.get().detail


def test_a_wrong_signing_key_signs_no_one_in(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    tanaka = person("tanaka", "applicant")
    linked_by_administrator(idp, tanaka, "sub-tanaka")
    test_provider.person("sub-tanaka")
    test_provider.impostor_key(True)

    response = sso(client, provider_browser, "sub-tanaka")

    assert refusal_reason(response) == RefusalReason.UNVERIFIABLE
    assert signed_in_as(client) is None


def test_an_id_token_from_another_issuer_is_refused(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    idp.issuer = "https://idp.another-city.example.jp"
    save_identity_provider(acting_user=SYSTEM, provider=idp)
    tanaka = person("tanaka", "applicant")
    linked_by_administrator(idp, tanaka, "sub-tanaka")
    test_provider.person("sub-tanaka")

    response = sso(client, provider_browser, "sub-tanaka")

    assert refusal_reason(response) == RefusalReason.UNVERIFIABLE
    assert "InvalidIssuer" in SignInRefusal.objects.get().detail
    assert signed_in_as(client) is None


def test_an_unreachable_provider_is_a_page(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    test_provider.person("sub-tanaka")
    idp.token_endpoint = "http://127.0.0.1:9/token"
    save_identity_provider(acting_user=SYSTEM, provider=idp)

    response = sso(client, provider_browser, "sub-tanaka")

    assert refusal_reason(response) == RefusalReason.UNREACHABLE
    assert response.status_code == 503


def test_a_missing_client_secret_is_a_page(
    client: Client, idp, test_provider, provider_browser, monkeypatch
) -> None:
    test_provider.person("sub-tanaka")
    start = client.get("/sso/kobe/")["Location"]
    monkeypatch.delenv(idp.client_secret_env)

    response = client.get(provider_browser.visit(start, "sub-tanaka"))

    assert refusal_reason(response) == RefusalReason.MISCONFIGURED


def test_a_disabled_account_is_told_so(client: Client, idp, test_provider, provider_browser, person) -> None:
    tanaka = person("tanaka", "applicant")
    linked_by_administrator(idp, tanaka, "sub-tanaka")
    tanaka.is_active = False
    tanaka.save()
    test_provider.person("sub-tanaka", preferred_username="tanaka")
    idp.create_users = True
    save_identity_provider(acting_user=SYSTEM, provider=idp)

    response = sso(client, provider_browser, "sub-tanaka")

    assert refusal_reason(response) == RefusalReason.ACCOUNT_DISABLED
    assert "アカウントは無効" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_an_unknown_person_with_creation_off_is_told_whom_to_ask(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    person("admin", "administrator", last_name="管理", first_name="花子")
    test_provider.person("sub-new", email="new@city.kobe.lg.jp", email_verified=True)

    response = sso(client, provider_browser, "sub-new")

    html = response.content.decode()
    assert refusal_reason(response) == RefusalReason.UNKNOWN_PERSON
    assert "システム管理者に連携を依頼" in html and "管理 花子" in html


def test_creation_on_makes_an_account_without_roles_named_by_the_name_claim(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    person("admin", "administrator", last_name="管理", first_name="花子")
    person("kobe-yamada", "applicant")
    idp.create_users = True
    save_identity_provider(acting_user=SYSTEM, provider=idp)
    test_provider.person("sub-yamada", preferred_username="yamada", name="山田 太郎")

    response = sso(client, provider_browser, "sub-yamada")

    user = signed_in_as(client)
    assert user.username == "kobe-yamada-2"
    assert display_name(user) == "山田 太郎"
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.get(user=user).method == LinkMethod.CREATED
    assert response["Location"] == "/sso/no-roles/"
    page = client.get("/sso/no-roles/").content.decode()
    assert "役割がまだありません" in page and "管理 花子" in page


def test_the_sign_in_page_offers_each_citys_provider(client: Client, idp) -> None:
    html = client.get("/login/").content.decode()

    assert 'href="/sso/kobe/"' in html
    assert "神戸市: kobe 職員認証基盤でサインイン" in html


def test_the_secret_may_come_from_a_file(idp, tmp_path, monkeypatch) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from a file\n")
    idp.client_secret_env, idp.client_secret_file = "", str(secret)
    save_identity_provider(acting_user=SYSTEM, provider=idp)

    assert idp.client_secret() == "from a file"


def test_a_second_browser_of_the_same_person_needs_no_new_link(idp, test_provider, person) -> None:
    tanaka = person("tanaka", "applicant")
    linked_by_administrator(idp, tanaka, "sub-tanaka")
    test_provider.person("sub-tanaka")
    client = Client()

    sso(client, ProviderBrowser(), "sub-tanaka")

    assert signed_in_as(client) == tanaka


def test_an_account_without_roles_is_pointed_to_whom_to_ask_on_home_and_forbidden_pages(
    client: Client, idp, person
) -> None:
    client.force_login(person("newcomer"))

    home = client.get("/").content.decode()
    forbidden = client.get("/ledger/")

    assert 'data-hint="no-roles"' in home and "/sso/no-roles/" in home
    assert forbidden.status_code == 403
    assert 'data-hint="no-roles"' in forbidden.content.decode()
    assert "役割の依頼先" in forbidden.content.decode()


def test_a_forbidden_page_for_someone_with_roles_gives_no_such_hint(client: Client, idp, person) -> None:
    client.force_login(person("tanaka", "contractor"))

    response = client.get("/audit/export/")

    assert response.status_code == 403
    assert "no-roles" not in response.content.decode()
