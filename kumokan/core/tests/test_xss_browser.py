"""Markup typed into any text field shows as text in Chromium: no stored script ever runs.

The payloads go into the free-text facts of applications and ledger entries (service name, provider,
purpose) and, through every form each person can reach (spider.py), into every text field they can
fill in (notes, reasons, explanations, names…). Then the pages each person can reach are fetched
in-process and rendered in one Chromium page without a server: no Content-Security-Policy header stands
between the markup and the browser, so this checks the escaping itself (the policy has its own tests).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page

from kumokan.applications.tests import factories as f
from kumokan.core.tests.spider import crawl

SCRIPT = "<script>window.__xss=1</script>"
ATTRIBUTE = '"><img src=x onerror=window.__xss=1>'
PAGES_PER_PERSON = 30


def fill_every_text_field(client: Client, payload: str) -> list[str]:
    """Submit each reachable form with `payload` in all its text fields; the pages visited come back."""
    found = crawl(client, limit=60)
    for form in found.forms:
        data = form.values()
        for field in form.fields:
            if field.kind in ("text", "textarea", "search") and field.name != "csrfmiddlewaretoken":
                data[field.name] = f"{payload} {field.name}"
        client.post(form.action, data)
    return found.html


@pytest.mark.browser
def test_markup_in_every_text_field_renders_as_text(db: Any, html_page: Page) -> None:
    city = f.city("kobe")
    for n, payload in enumerate((SCRIPT, ATTRIBUTE)):
        text = {"service_name": f"{payload} 台帳{n}", "provider": payload, "purpose": payload}
        f.entry(city, **text)
        f.submitted(city, **{**text, "service_name": f"{payload} 申請{n}"})
        f.draft(city, **{**text, "service_name": f"{payload} 下書き{n}"})
    people = [city.applicant, city.security_manager, city.head, city.administrator]
    pages: dict[str, list[str]] = {}
    for n, person in enumerate(people):
        client = Client()
        client.force_login(person)
        pages[person.username] = fill_every_text_field(client, (SCRIPT, ATTRIBUTE)[n % 2])

    dialogs: list[str] = []
    html_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    executed: list[str] = []
    shown_as_text = False
    for person in people:
        client = Client()  # the forms above included signing out
        client.force_login(person)
        for path in pages[person.username][:PAGES_PER_PERSON]:
            response = client.get(path)
            # A form above may have withdrawn or moved what the page showed: render whatever it answers.
            html_page.evaluate("window.__xss = undefined")  # set_content keeps the window object
            html_page.set_content(response.content.decode("utf-8", "replace"))
            main = html_page.evaluate("document.querySelector('main')?.innerText ?? ''")
            if html_page.evaluate("window.__xss") is not None:
                executed.append(f"{person.username} {path}")
            shown_as_text = shown_as_text or SCRIPT in main

    assert executed == []
    assert dialogs == []
    assert shown_as_text, "the payload should appear on some page, as text"
