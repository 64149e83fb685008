"""No page of the four demo cities shows a reason or note kumokan wrote in the other language (issue 17
point 3): in the ledger's history (its reason column) and a checklist task's note, a text the system gave
(a step's label, a task closed by retirement) reads in Japanese on a Japanese page and in English on an
English one. What a person typed is shown as typed, in whatever language they typed it, so only the
generated texts are looked for: each of them, rendered in the other language, must not be a line of
those columns. The pages are those the demo's auditor reaches from the start page
(kumokan.core.tests.spider.crawl) and the pages of every entry and task holding such a text."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from kumokan.core.tests.spider import crawl
from kumokan.demo.load import load_demo
from kumokan.errors import rendered
from kumokan.ledger.models import LedgerChange
from kumokan.lifecycle.models import ChecklistTask

PASSWORD = "demo-password-for-tests"
CITIES = ("kitakyushu", "kobe", "amagasaki", "osaka")
OTHER = {"ja": "en", "en": "ja"}
# The history's reason cells (ledger/detail.html) and a task's note (lifecycle/task.html).
COLUMNS = re.compile(r'<td class="prose">(.*?)</td>|<dd class="prose" id="task-note">(.*?)</dd>', re.S)


def _lines(html: str) -> list[str]:
    lines = []
    for match in COLUMNS.finditer(html):
        cell = re.sub(r"<br\s*/?>", "\n", match.group(1) or match.group(2))
        lines += [unescape(re.sub(r"<[^>]+>", "", line)).strip() for line in cell.split("\n")]
    return [line for line in lines if line]


def _generated(municipality: object) -> tuple[dict[str, set[str]], set[str]]:
    """Each generated text of the city in each language (only those that differ between the two), and
    the pages showing them."""
    texts: list[object] = []
    pages: set[str] = set()
    for change in LedgerChange.objects.filter(entry__municipality=municipality).exclude(reason_msgid=""):
        texts.append(change.reason_text)
        pages.add(f"/ledger/{change.entry_id}/")
    for task in ChecklistTask.objects.filter(entry__municipality=municipality).exclude(system_note={}):
        texts.append(task.note_text)
        pages.add(f"/lifecycle/tasks/{task.pk}/")
    by_language: dict[str, set[str]] = {"ja": set(), "en": set()}
    for text in texts:
        ja, en = (rendered(text, language).split("\n")[-1] for language in ("ja", "en"))  # type: ignore[arg-type]
        if ja != en:
            by_language["ja"].add(ja)
            by_language["en"].add(en)
    return by_language, pages


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("slug", CITIES)
def test_no_demo_page_shows_a_generated_reason_or_note_in_the_other_language(slug: str) -> None:
    report = load_demo(slug, PASSWORD)
    generated, pages = _generated(report.municipality)
    assert generated["ja"], "the demo has a reason or note the system wrote"
    wrong: dict[tuple[str, str], list[str]] = {}
    right = 0
    for language in ("ja", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        assert client.login(username="auditor", password=PASSWORD)
        bodies = crawl(client, "/", limit=40).bodies
        for path in sorted(pages - set(bodies)):
            response = client.get(path)
            assert response.status_code == 200, path
            bodies[path] = response.content.decode()
        for path, html in bodies.items():
            lines = _lines(html)
            right += sum(line in generated[language] for line in lines)
            shown = [line for line in lines if line in generated[OTHER[language]]]
            if shown:
                wrong[(language, path)] = shown
    assert not wrong, wrong
    assert right, "the generated texts were seen on the pages"
