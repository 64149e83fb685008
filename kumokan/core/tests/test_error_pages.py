"""Error pages (403, 404, 429, 500) in the site's layout, with navigation and a way back, in both
languages, as served with DEBUG off (issue 17, point 7)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from kumokan.accounts.tests.conftest import PASSWORD, sign_in
from kumokan.applications.tests.factories import city
from kumokan.lifecycle.models import CalendarFeed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_off(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.ROOT_URLCONF = "kumokan.core.tests.error_urls"


HEADINGS = {
    403: {"ja": "権限がありません", "en": "Not allowed"},
    404: {"ja": "ページが見つかりません", "en": "Page not found"},
    500: {"ja": "サーバーエラー", "en": "Server error"},
    400: {"ja": "リクエストを処理できません", "en": "Bad request"},
}


def _in_layout(html: str, status: int | str) -> None:
    assert 'class="site-header"' in html and 'href="#main"' in html, "the site's layout"
    assert f'data-error="{status}"' in html
    assert "data-way-back" in html


def _get(user, url: str, language: str):  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client.get(url, headers={"accept-language": language})


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    ("status", "url"),
    [(403, "/lifecycle/settings/"), (404, "/no-such-page/"), (500, "/boom/"), (400, "/suspicious/")],
)
def test_each_error_page_is_in_the_layout_with_navigation_and_a_way_back(
    status: int, url: str, language: str
) -> None:
    staff = city("kobe").staff
    response = _get(staff, url, language)
    assert response.status_code == status
    html = response.content.decode()
    _in_layout(html, status)
    assert 'class="site-nav"' in html, "the navigation of a signed-in user"
    assert f'<html lang="{language}">' in html
    assert HEADINGS[status][language] in html
    assert 'href="/" data-way-back' in html


@pytest.mark.parametrize(
    ("language", "heading"), [("ja", "アカウントがロックされました"), ("en", "Account locked")]
)
def test_the_429_of_a_locked_out_sign_in_is_in_the_layout(language: str, heading: str) -> None:
    get_user_model().objects.create_user(username="tanaka", password=PASSWORD)
    client = Client(headers={"accept-language": language})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "tanaka", "wrong password, again")
    response = sign_in(client, "tanaka")
    assert response.status_code == 429
    html = response.content.decode()
    _in_layout(html, 429)
    assert heading in html
    assert 'href="/login/" data-way-back' in html


@pytest.mark.parametrize(
    ("language", "heading"), [("ja", "送信を受け付けませんでした"), ("en", "The form was not accepted")]
)
def test_a_form_refused_for_its_security_token_is_in_the_layout(language: str, heading: str) -> None:
    staff = city("kobe").staff
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    client.force_login(staff)
    response = client.post("/lifecycle/calendar/")
    assert response.status_code == 403
    html = response.content.decode()
    _in_layout(html, "403-csrf")
    assert 'class="site-nav"' in html and f'<html lang="{language}">' in html
    assert heading in html
    assert not CalendarFeed.objects.filter(user=staff).exists(), "nothing was recorded"
