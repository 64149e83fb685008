"""A remark after a word is bracketed as the page's language brackets it (issue 17 point 3): 「加藤 愛
（2026-12-04 15:45）」 in Japanese, "Ai Kato (2026-12-04 15:45)" in English (core.punctuation.bracketed
through the in_brackets filter), on the pages of a service's life; no full-width bracket in English."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kumokan.lifecycle.actions.incidents import report_incident
from kumokan.lifecycle.choices import TerminationStep
from kumokan.lifecycle.tests.factories import city, in_operation, terminated_up_to

pytestmark = pytest.mark.django_db


def text(client: Client, path: str, language: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


def main(page: str) -> str:
    return page[page.index("<main") :]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pages_of_a_service_bracket_in_the_readers_language(client: Client, language: str) -> None:
    e = in_operation(city("kobe"))
    incident = report_incident(
        acting_user=e.service_manager, entry=e, title="誤送信", description="メールの誤送信"
    )
    terminated_up_to(e, TerminationStep.DISPOSAL)
    task = e.tasks.exclude(confirmed_at=None).first()
    client.force_login(e.service_manager)
    pages = {
        "incident": main(text(client, incident.get_absolute_url(), language)),
        "termination": main(text(client, f"/lifecycle/entries/{e.pk}/termination/", language)),
        "task": main(text(client, f"/lifecycle/tasks/{task.pk}/", language)),
    }
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d"
    for name, page in pages.items():
        if language == "en":
            assert "（" not in page and "）" not in page, name
            assert re.search(rf" \({stamp}\)", page), name
        else:
            assert re.search(rf"（{stamp}）", page), name
    backups = "（暗号鍵のバックアップを削除済み）" if language == "ja" else " (key backups deleted)"
    assert backups in pages["termination"]
