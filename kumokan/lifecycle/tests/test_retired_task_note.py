"""A checklist task closed because its service was retired says so in the reader's language (issue 17
point 3): the note kumokan gives is kept as its msgid (ChecklistTask.system_note), after the note a person
typed, which stays as typed; the task page reads it (the API: kumokan/api/tests/test_lifecycle.py) in Japanese and in English."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from kumokan.lifecycle.choices import TaskStatus
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, in_operation, retired

pytestmark = pytest.mark.django_db

JA = "利用終了（廃止）により、実施しないまま終了した。"
EN = "Closed without being carried out: the service was retired."


def note_on_page(client: Client, task: ChecklistTask, language: str) -> str:
    response = client.get(f"/lifecycle/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    cell = re.search(r'<dd class="prose" id="task-note">(.*?)</dd>', response.content.decode(), re.S)
    assert cell is not None
    return html.unescape(cell.group(1).replace("<br>", "\n")).strip()


def test_a_task_closed_by_retirement_reads_in_each_language_after_the_typed_note(
    client: Client,
) -> None:
    c = city("kobe")
    entry = in_operation(c)
    typed, untouched = ChecklistTask.objects.filter(entry=entry, status=TaskStatus.OPEN)[:2]
    ChecklistTask.objects.filter(pk=typed.pk).update(note="提供者に確認中\nAsked the provider")

    retired(entry)

    typed.refresh_from_db()
    untouched.refresh_from_db()
    assert typed.status == untouched.status == TaskStatus.NOT_APPLICABLE
    assert typed.note == "提供者に確認中\nAsked the provider"  # as typed, nothing appended
    assert typed.system_note == untouched.system_note == {"msgid": EN}
    client.force_login(c.chief)
    assert note_on_page(client, typed, "ja") == f"提供者に確認中\nAsked the provider\n{JA}"
    assert note_on_page(client, typed, "en") == f"提供者に確認中\nAsked the provider\n{EN}"
    assert note_on_page(client, untouched, "ja") == JA
    assert note_on_page(client, untouched, "en") == EN


def test_a_task_a_person_recorded_keeps_its_note_and_no_system_note(client: Client) -> None:
    c = city("kobe")
    entry = in_operation(c)
    done = ChecklistTask.objects.filter(entry=entry, status=TaskStatus.CONFIRMED).first()
    assert done is not None

    retired(entry)

    done.refresh_from_db()
    assert done.system_note == {} and done.status == TaskStatus.CONFIRMED
    client.force_login(c.chief)
    page = client.get(f"/lifecycle/tasks/{done.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert EN not in page and JA not in page
