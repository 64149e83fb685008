"""No page shows a seed's file name or a pack item's id (issue 17 point 2): every page the people of a
demo city reach by following links is read as text, as a person sees it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from kumokan.core.packs import load_pack
from kumokan.core.tests.spider import crawl
from kumokan.demo.load import load_demo

PASSWORD = "demo-password-for-tests"
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
PEOPLE = ("applicant", "approver", "manager", "admin", "auditor")


def _visible(html: str) -> str:
    """The page's text: no tags, scripts or styles (attributes are not shown)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.django_db(transaction=True)
def test_no_page_of_the_amagasaki_demo_shows_a_seed_file_or_an_item_id() -> None:
    report = load_demo("amagasaki", PASSWORD)
    item_ids = {
        item.id
        for pack_id in report.municipality.pack_ids()
        for item in load_pack(pack_id).pack.items
        if "." in item.id  # an id like build.access.prevent-unauthorised-access, never a plain word
    }
    seen: dict[str, list[str]] = {}
    for person in PEOPLE:
        client = Client()
        assert client.login(username=person, password=PASSWORD), person
        found = crawl(client, "/", limit=60)
        for path, html in found.bodies.items():
            text = _visible(html)
            shown = SEED_FILE.findall(text) + [i for i in item_ids if i in text]
            if shown:
                seen[path] = shown
    assert not seen, seen
