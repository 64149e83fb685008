"""No page shows a seed's file name, a pack item's id or an unfilled msgid (issue 17 point 2 and "checked in
a real browser"): every page the people of each demo city reach by following links is read as text, as a
person sees it, in Japanese: no English msgid of the catalogue shown untranslated, no %(name)s or template
tag left unfilled."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.utils.translation import trans_real

from kumokan.core.packs import load_pack
from kumokan.core.tests.spider import crawl
from kumokan.demo.load import load_demo

PASSWORD = "demo-password-for-tests"
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
PEOPLE = ("applicant", "approver", "manager", "admin", "auditor")
UNFILLED = re.compile(r"%\([a-z_]+\)[sd]|\{\{|\{%|%\}|\}\}")


def _visible(html: str) -> str:
    """The page's text: no tags, scripts or styles (attributes are not shown)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _english_msgids() -> list[str]:
    """The catalogue's English msgids of three words or more that Japanese translates (a page in Japanese
    showing one verbatim shows a text that was never translated)."""
    catalog = trans_real.translation("ja")._catalog  # type: ignore[attr-defined]
    return [
        msgid
        for msgid, msgstr in catalog.items()
        if isinstance(msgid, str)
        and msgid != msgstr
        and len(re.findall(r"[A-Za-z]+", msgid)) >= 3
        and "%(" not in msgid
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("slug", ["amagasaki", "kitakyushu", "osaka", "kobe"])
def test_no_page_of_a_demo_shows_a_seed_file_an_item_id_or_an_unfilled_msgid(slug: str) -> None:
    report = load_demo(slug, PASSWORD)
    item_ids = {
        item.id
        for pack_id in report.municipality.pack_ids()
        for item in load_pack(pack_id).pack.items
        if "." in item.id  # an id like build.access.prevent-unauthorised-access, never a plain word
    }
    english = _english_msgids()
    seen: dict[str, list[str]] = {}
    usernames = {login.username.removeprefix(f"{slug}-"): login.username for login in report.logins}
    for person in PEOPLE:
        client = Client(headers={"accept-language": "ja"})
        assert client.login(username=usernames[person], password=PASSWORD), person
        found = crawl(client, "/", limit=40)
        for path, html in found.bodies.items():
            text = _visible(html)
            shown = SEED_FILE.findall(text) + [i for i in item_ids if i in text]
            shown += UNFILLED.findall(text) + [m for m in english if m in text]
            if shown:
                seen[path] = shown
    assert not seen, seen
