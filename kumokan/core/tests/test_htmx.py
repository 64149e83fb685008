import pytest
from playwright.sync_api import Page


@pytest.mark.browser
def test_htmx_posts_carry_the_csrf_token(page: Page) -> None:
    page.goto("/login/")

    with page.expect_response(
        lambda r: r.url.endswith("/i18n/setlang/") and r.request.method == "POST"
    ) as info:
        page.evaluate(
            "htmx.ajax('POST', '/i18n/setlang/', {source: document.body, values: {language: 'en'}})"
        )

    assert info.value.request.headers["x-csrftoken"]
    assert info.value.status == 302
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
