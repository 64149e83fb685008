"""Every text a person reads is translated, in both languages (issue 17 point 3).

The catalogue is rebuilt from the code with makemessages (the committed one is put back afterwards):
every msgid the code and templates use has a Japanese translation, none is fuzzy, and no msgid is
Japanese. Key pages rendered in English show no Japanese but the city's own data.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from kumokan.applications.models import Application, ChecklistAnswer
from kumokan.applications.tests import factories
from kumokan.core.packs import load_pack
from kumokan.ledger.models import LedgerChange, LedgerEntry
from kumokan.lifecycle.tests.factories import in_operation

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "kumokan" / "locale" / "ja" / "LC_MESSAGES" / "django.po"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef\u3000-\u303f\u2460-\u24ff]")


def _entries(text: str) -> Iterator[dict[str, Any]]:
    """The active entries of a .po (obsolete ones, #~, are not read)."""
    for block in text.split("\n\n"):
        entry: dict[str, Any] = {"flags": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = line
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
            elif " " in line:
                key, value = line.split(" ", 1)
                entry[key] = ast.literal_eval(value)
        if entry.get("msgid"):
            yield entry


@pytest.fixture(scope="module")
def catalogue() -> list[dict[str, Any]]:
    """The catalogue as makemessages makes it from today's code."""
    kept = PO.read_bytes()
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "ja", "--no-location"],
            cwd=ROOT / "kumokan",
            env={**os.environ, "KUMOKAN_DEBUG": "true"},
            check=True,
            capture_output=True,
        )
        return list(_entries(PO.read_text(encoding="utf-8")))
    finally:
        PO.write_bytes(kept)


def test_every_text_in_the_code_has_a_japanese_translation(catalogue: list[dict[str, Any]]) -> None:
    untranslated = [e["msgid"] for e in catalogue if not (e.get("msgstr") or e.get("msgstr[0]"))]
    assert not untranslated, untranslated


def test_no_translation_is_a_guess(catalogue: list[dict[str, Any]]) -> None:
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    assert not fuzzy, "fill in (and unfuzzy) in django.po: " + repr(fuzzy)


def test_every_msgid_is_english(catalogue: list[dict[str, Any]]) -> None:
    japanese = [e["msgid"] for e in catalogue if JAPANESE.search(e["msgid"] + e.get("msgid_plural", ""))]
    assert not japanese, japanese


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _without_city_data(html: str, data: list[str]) -> str:
    html = re.sub(r"<(\w+)[^>]*\blang=\"ja\"[^>]*>.*?</\1>", " ", html, flags=re.S)  # 雲管, 日本語
    html = html.replace("雲管", " ")  # the name of the product, in the title
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&amp;", "&").replace("&quot;", '"').replace("&#x27;", "'")
    for value in data:
        text = text.replace(value, " ")
    return text


@pytest.mark.django_db
def test_key_pages_in_english_show_no_japanese_but_the_citys_own_data() -> None:
    c = factories.city("kobe")
    entry = in_operation(c)
    application = entry.application
    data = {
        c.municipality.name,
        *(d.name for d in c.municipality.departments.all()),
        *(f"{u.last_name} {u.first_name}" for u in (c.applicant, c.head, c.approver, c.security_manager)),
        *(u.last_name for u in (c.applicant, c.head, c.approver, c.security_manager, c.administrator)),
        *(u.first_name for u in (c.applicant, c.head, c.approver, c.security_manager, c.administrator)),
        *_strings(factories.facts("kobe")),
    }
    for pack_id in c.municipality.pack_ids():
        data.update(_strings(load_pack(pack_id).pack.model_dump(mode="json")))
    # What people typed (purpose, notes, answers) and what was recorded once, in the city's language: the
    # reasons in the ledger's history. Notifications are not among them: they are kept in both languages.
    for model in (Application, LedgerEntry, ChecklistAnswer, LedgerChange):
        for row in model.objects.all():
            data.update(
                str(getattr(row, f.attname))
                for f in model._meta.concrete_fields
                if f.get_internal_type() in ("CharField", "TextField")
            )
    ordered = sorted((d for d in data if d and JAPANESE.search(d)), key=len, reverse=True)
    pages = {
        c.applicant: ["/", "/applications/", "/applications/new/", application.get_absolute_url()],
        c.security_manager: ["/approvals/", "/ledger/", entry.get_absolute_url(), "/notifications/"],
        c.administrator: ["/", "/ledger/", "/lifecycle/packs/"],
    }
    found: dict[str, list[str]] = {}
    for person, paths in pages.items():
        client = Client()
        client.force_login(person)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            text = _without_city_data(response.content.decode(), ordered)
            left = re.findall(r"\S*" + JAPANESE.pattern + r"+\S*", text)
            if left:
                found[path] = sorted(set(left))[:40]
    assert not found, "\n".join(f"{path}: {left}" for path, left in found.items())
