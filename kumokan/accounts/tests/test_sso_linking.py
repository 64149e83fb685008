"""Single sign-on binds an account to the provider's (issuer, sub) once, on purpose; claims never bind one.

Every test signs in through a real OpenID Connect provider on loopback (kumokan.accounts.tests.oidc).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.models import ExternalIdentity, SignInRefusal
from kumokan.accounts.testing import device_for, fresh_code
from kumokan.accounts.tests.conftest import PASSWORD, sso
from kumokan.accounts.tests.oidc import ProviderBrowser
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import create_municipality, grant_membership


def signed_in_as(client: Client) -> Any:
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def refusal_reason(response: Any) -> str:
    assert response.status_code in (403, 503), response.status_code
    html = response.content.decode()
    return html.split('data-reason="', 1)[1].split('"', 1)[0]


def link(client: Client, password: str = PASSWORD, **extra: str) -> Any:
    return client.post("/sso/link/", {"password": password, **extra})


def test_first_sign_in_with_a_verified_email_links_only_after_the_password(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    tanaka = person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp")
    test_provider.person("sub-tanaka", email="Tanaka@city.kobe.lg.jp", email_verified=True)

    response = sso(client, provider_browser, "sub-tanaka")

    assert response.status_code == 302 and response["Location"] == "/sso/link/"
    assert signed_in_as(client) is None
    page = client.get("/sso/link/").content.decode()
    assert "tanaka" in page and "パスワード" in page
    assert link(client, "not the password at all").status_code == 200
    assert signed_in_as(client) is None and not ExternalIdentity.objects.exists()

    response = link(client)

    assert response.status_code == 302
    assert signed_in_as(client) == tanaka
    identity = ExternalIdentity.objects.get()
    assert (identity.provider, identity.subject, identity.user) == (idp, "sub-tanaka", tanaka)
    assert identity.method == LinkMethod.PASSWORD_CONFIRMED
    event = AuditEvent.objects.get(action=Action.ACCOUNT_SSO_LINK)
    assert event.actor == tanaka and event.municipality == idp.municipality


def test_later_sign_ins_go_by_sub_alone(client: Client, idp, test_provider, provider_browser, person) -> None:
    tanaka = person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp")
    test_provider.person("sub-tanaka", email="tanaka@city.kobe.lg.jp", email_verified=True)
    sso(client, provider_browser, "sub-tanaka")
    link(client)
    client.post("/logout/")

    # The provider now reports no e-mail at all: the sub is enough, and nothing is asked again.
    test_provider.person("sub-tanaka")
    response = sso(Client(), provider_browser, None)

    assert response.status_code == 302 and response["Location"] == "/"
    fresh = Client()
    response = sso(fresh, provider_browser, None)
    assert signed_in_as(fresh) == tanaka


def test_a_changed_email_does_not_rebind_the_account(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    tanaka = person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp")
    person("suzuki", "approver", email="suzuki@city.kobe.lg.jp")
    test_provider.person("sub-tanaka", email="tanaka@city.kobe.lg.jp", email_verified=True)
    sso(client, provider_browser, "sub-tanaka")
    link(client)

    test_provider.person("sub-tanaka", email="suzuki@city.kobe.lg.jp", email_verified=True)
    again = Client()
    sso(again, provider_browser, "sub-tanaka")

    assert signed_in_as(again) == tanaka


def test_another_provider_account_with_a_linked_users_email_is_refused(
    idp, test_provider, provider_browser, person
) -> None:
    person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp")
    test_provider.person("sub-tanaka", email="tanaka@city.kobe.lg.jp", email_verified=True)
    first = Client()
    sso(first, provider_browser, "sub-tanaka")
    link(first)

    test_provider.person("sub-impostor", email="tanaka@city.kobe.lg.jp", email_verified=True)
    other = Client()
    response = sso(other, ProviderBrowser(), "sub-impostor")

    assert refusal_reason(response) == RefusalReason.ALREADY_LINKED
    assert signed_in_as(other) is None
    assert ExternalIdentity.objects.count() == 1


def test_an_unverified_email_equal_to_an_accounts_signs_no_one_in(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp")
    test_provider.person("sub-x", email="tanaka@city.kobe.lg.jp", email_verified=False)

    response = sso(client, provider_browser, "sub-x")

    assert refusal_reason(response) == RefusalReason.UNVERIFIED_EMAIL
    assert "メールアドレスが認証基盤で確認されていない" in response.content.decode()
    assert signed_in_as(client) is None
    assert SignInRefusal.objects.get().reason == RefusalReason.UNVERIFIED_EMAIL


def test_a_preferred_username_equal_to_a_username_signs_no_one_in(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    person("tanaka", "applicant", email="tanaka@city.kobe.lg.jp")
    test_provider.person("sub-y", preferred_username="tanaka")

    response = sso(client, provider_browser, "sub-y")

    assert refusal_reason(response) == RefusalReason.UNKNOWN_PERSON
    assert signed_in_as(client) is None


def test_another_citys_user_is_not_reached_through_this_citys_provider(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    amagasaki = create_municipality(acting_user=SYSTEM, slug="amagasaki", name="尼崎市", pack_id="amagasaki")
    other = get_user_model().objects.create_user(
        "yamada", email="yamada@city.amagasaki.hyogo.jp", password=PASSWORD
    )
    grant_membership(acting_user=SYSTEM, user=other, municipality=amagasaki, role="applicant")
    test_provider.person("sub-yamada", email="yamada@city.amagasaki.hyogo.jp", email_verified=True)

    response = sso(client, provider_browser, "sub-yamada")

    assert refusal_reason(response) == RefusalReason.OTHER_MUNICIPALITY
    assert signed_in_as(client) is None


def test_the_administrators_email_in_capitals_needs_the_administrators_password_and_code(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    admin = person("admin", "administrator", email="admin@city.kobe.lg.jp")
    device = device_for(admin)
    test_provider.person("sub-z", email="ADMIN@city.kobe.lg.jp", email_verified=True)

    sso(client, provider_browser, "sub-z")
    refused = link(client, token=f"{(int(fresh_code(device)) + 1) % 1_000_000:06d}")

    assert refused.status_code == 200 and signed_in_as(client) is None
    assert not ExternalIdentity.objects.exists()
    # Wait out django-otp's throttle after the wrong code.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = link(client, token=fresh_code(device))
    assert response.status_code == 302 and signed_in_as(client) == admin
    # The code was asked in the link step, so the session has passed the second factor.
    assert client.get("/").status_code == 200


def test_an_approver_linked_by_sub_is_still_asked_for_the_code(
    client: Client, idp, test_provider, provider_browser, person
) -> None:
    approver = person("kyoka", "approver", email="kyoka@city.kobe.lg.jp")
    device_for(approver)
    ExternalIdentity.objects.create(
        provider=idp, subject="sub-kyoka", user=approver, method=LinkMethod.ADMINISTRATOR
    )
    test_provider.person("sub-kyoka")

    sso(client, provider_browser, "sub-kyoka")

    assert signed_in_as(client) == approver
    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")


def test_an_administrator_links_and_unlinks_and_both_are_audited(idp, person) -> None:
    from kumokan.accounts.actions import link_identity, unlink_identity

    admin = person("admin", "administrator")
    tanaka = person("tanaka", "applicant")

    identity = link_identity(
        acting_user=admin, provider=idp, subject="sub-tanaka", user=tanaka, method=LinkMethod.ADMINISTRATOR
    )
    unlink_identity(acting_user=admin, identity=identity)

    assert not ExternalIdentity.objects.exists()
    actions = sorted(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
    assert actions == [Action.ACCOUNT_SSO_LINK, Action.ACCOUNT_SSO_UNLINK]


def test_only_an_administrator_of_the_city_may_link(idp, person) -> None:
    import pytest

    from kumokan.accounts.actions import link_identity
    from kumokan.errors import WorkflowError

    clerk = person("clerk", "approver")
    tanaka = person("tanaka", "applicant")

    with pytest.raises(WorkflowError):
        link_identity(
            acting_user=clerk, provider=idp, subject="s", user=tanaka, method=LinkMethod.ADMINISTRATOR
        )
    assert not ExternalIdentity.objects.exists()


def test_an_administrator_links_an_account_in_the_admin(client: Client, idp, person) -> None:
    admin = get_user_model().objects.create_superuser("root", password=PASSWORD)
    tanaka = person("tanaka", "applicant")
    client.force_login(admin)

    response = client.post(
        "/admin/accounts/externalidentity/add/",
        {"provider": idp.pk, "subject": "sub-tanaka", "user": tanaka.pk},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    identity = ExternalIdentity.objects.get()
    assert (identity.user, identity.method) == (tanaka, LinkMethod.ADMINISTRATOR)
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_SSO_LINK, actor=admin).exists()


def test_the_admin_refuses_to_link_another_citys_account_with_the_reason(client: Client, idp) -> None:
    admin = get_user_model().objects.create_superuser("root", password=PASSWORD)
    amagasaki = create_municipality(acting_user=SYSTEM, slug="amagasaki", name="尼崎市", pack_id="amagasaki")
    yamada = get_user_model().objects.create_user("yamada", password=PASSWORD)
    grant_membership(acting_user=SYSTEM, user=yamada, municipality=amagasaki, role="applicant")
    client.force_login(admin)

    response = client.post(
        "/admin/accounts/externalidentity/add/",
        {"provider": idp.pk, "subject": "sub-yamada", "user": yamada.pk},
    )

    assert response.status_code == 200
    assert "yamada は神戸市のアカウントではありません" in response.content.decode()
    assert not ExternalIdentity.objects.exists()
