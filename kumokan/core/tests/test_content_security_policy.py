import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import ConsoleMessage, Page

# Records every violation the page reports, whatever Chromium prints to the console.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.mark.django_db
def test_every_page_sends_the_content_security_policy(client: Client) -> None:
    policy = client.get("/login/")["Content-Security-Policy"]

    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy


@pytest.mark.browser
def test_pages_load_in_chromium_without_console_errors_or_csp_violations(page: Page, login) -> None:
    User.objects.create_user("tanaka", password="correct horse battery")
    errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto("/login/")
    page.wait_for_load_state("load")
    violations = page.evaluate("window.cspViolations")
    login(page, "tanaka", "correct horse battery")
    page.wait_for_load_state("load")
    violations += page.evaluate("window.cspViolations")

    assert page.evaluate("typeof window.htmx") == "object"
    assert violations == []
    assert errors == []
