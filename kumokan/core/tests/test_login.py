import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Page, expect


@pytest.mark.django_db
def test_login_page_is_japanese_without_a_language_choice(client: Client) -> None:
    response = client.get("/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "<h1>ログイン</h1>" in html
    assert "本文へ移動" in html


@pytest.mark.browser
def test_login_page_renders_in_japanese_and_switches_to_english(page: Page, screenshot) -> None:
    page.goto("/login/")

    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    expect(page.get_by_label("ユーザー名")).to_be_visible()
    expect(page.get_by_label("パスワード")).to_be_visible()
    screenshot(page, "ja")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_label("Username")).to_be_visible()
    assert page.url.endswith("/login/")


@pytest.mark.browser
def test_staff_log_in_and_out(page: Page, login) -> None:
    User.objects.create_user("tanaka", password="correct horse battery", first_name="太郎", last_name="田中")

    login(page, "tanaka", "correct horse battery")

    expect(page.get_by_role("heading", level=1)).to_have_text("ホーム")
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログアウトしました")


@pytest.mark.django_db
def test_wrong_password_is_refused_in_japanese(client: Client) -> None:
    User.objects.create_user("tanaka", password="correct horse battery")

    response = client.post("/login/", {"username": "tanaka", "password": "wrong"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_logout_refuses_get(client: Client) -> None:
    assert client.get("/logout/").status_code == 405
