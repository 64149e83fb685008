"""Passwords: at least 12 characters, not only digits, not common, not like the user's name; in Japanese."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.accounts.tests.conftest import PASSWORD


def change(client: Client, new: str) -> str:
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    return response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short1!", "このパスワードは短すぎます。最低 12 文字以上必要です。"),
        ("340982341230987", "このパスワードは数字しか使われていません。"),
        ("password1234", "このパスワードは一般的すぎます。"),
        ("suzuki-hanako-x", "と似すぎています。"),
    ],
)
def test_weak_passwords_are_refused_in_japanese(client: Client, person, password: str, message: str) -> None:
    user = person("suzuki-hanako-x")
    client.force_login(user)

    html = change(client, password)

    assert message in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_page_states_the_rules_in_japanese(client: Client, person) -> None:
    client.force_login(person("suzuki"))

    html = client.get("/accounts/password/").content.decode()

    assert "12 文字以上" in html


def test_a_strong_password_is_accepted_and_the_session_survives(client: Client, person) -> None:
    user = person("suzuki")
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "雲の上の台帳を守る 2026",
            "new_password2": "雲の上の台帳を守る 2026",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("雲の上の台帳を守る 2026")
    assert client.get("/").status_code == 200
