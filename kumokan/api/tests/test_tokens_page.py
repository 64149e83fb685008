from __future__ import annotations

from kumokan.api.actions import issue_api_token
from kumokan.api.models import ApiToken, token_digest
from kumokan.api.tests.support import ApiClient
from kumokan.audit.models import AuditEvent


def test_the_page_needs_a_login(client, db):
    response = client.get("/api-tokens/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_issuing_shows_the_token_once(client, kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    client.force_login(user)

    response = client.post("/api-tokens/", {"name": "集計スクリプト"})

    text = response.context["issued"]["text"]
    assert text in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert token.name == "集計スクリプト" and token.digest == token_digest(text)
    assert ApiClient(text).get("/me").json()["username"] == "staff"
    again = client.get("/api-tokens/").content.decode()
    assert text not in again and token.prefix in again


def test_a_token_needs_a_name(client, kobe, make_user):
    client.force_login(make_user("staff", (kobe, "staff", None)))

    response = client.post("/api-tokens/", {"name": "  "})

    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoking_ones_own_token(client, kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    token, text = issue_api_token(acting_user=user, user=user, name="t")
    client.force_login(user)

    response = client.post(f"/api-tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(text).get("/me").status_code == 401
    assert AuditEvent.objects.get(action="api_token.revoke").actor == user


def test_another_persons_token_cannot_be_revoked(client, kobe, make_user):
    owner = make_user("owner", (kobe, "staff", None))
    token, _text = issue_api_token(acting_user=owner, user=owner, name="t")
    client.force_login(make_user("other", (kobe, "administrator", None)))

    assert client.post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_takes_a_post(client, kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    token, _text = issue_api_token(acting_user=user, user=user, name="t")
    client.force_login(user)

    assert client.get(f"/api-tokens/{token.pk}/revoke/").status_code == 405


def test_the_page_lists_only_ones_own_tokens(client, kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    other = make_user("other", (kobe, "staff", None))
    issue_api_token(acting_user=user, user=user, name="mine")
    issue_api_token(acting_user=other, user=other, name="theirs")
    client.force_login(user)

    assert [t.name for t in client.get("/api-tokens/").context["tokens"]] == ["mine"]


def test_the_header_links_to_the_tokens_page_for_people_with_a_role(client, kobe, make_user):
    client.force_login(make_user("staff", (kobe, "staff", None)))

    page = client.get("/").content.decode()

    assert 'href="/api-tokens/"' in page


def test_no_tokens_link_for_an_account_without_a_role(client, db, make_user):
    client.force_login(make_user("newcomer"))

    response = client.get("/accounts/two-factor/")

    assert response.status_code == 200
    assert 'href="/api-tokens/"' not in response.content.decode()
