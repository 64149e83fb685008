"""A checklist task reads in the reader's language (issue 17 point 3): the pack's English gloss of the
item (`text_en`) is copied onto the task with its Japanese text, from the same judgment item, and every
page that lists or shows a task (the dashboard /lifecycle/, the service page and its gate checklist, the
task page, the termination page) shows it in English; Japanese pages keep the city's words. The dashboard
reads the gloss with its tasks (no query per task)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kumokan.lifecycle.actions.termination import request_termination
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, entry, in_operation

pytestmark = pytest.mark.django_db


def text(client: Client, path: str, language: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


def glossed(tasks, shorter_than: int = 70) -> ChecklistTask:
    """A task whose item the pack translates, short enough to be shown whole in a list."""
    return next(t for t in tasks.order_by("position") if t.text_en and len(t.text_en) < shorter_than)


def test_a_task_keeps_the_packs_english_of_its_item() -> None:
    e = entry(city("kobe"))
    tasks = list(ChecklistTask.objects.filter(entry=e))
    assert any(t.text_en for t in tasks)
    # Both texts come from the one judgment item: the English is the gloss of this very text.
    items = {
        (i["pack"], i["id"]): i
        for phase in e.application.judgment.judgment["checklists"].values()
        for i in phase
    }
    for t in tasks:
        assert (t.text, t.text_en) == (
            items[(t.pack_id, t.item_id)]["text"],
            items[(t.pack_id, t.item_id)].get("text_en") or "",
        )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pages_of_a_task_show_it_in_the_readers_language(client: Client, language: str) -> None:
    e = entry(city("kobe"))
    task = glossed(ChecklistTask.objects.filter(entry=e))
    gate = glossed(ChecklistTask.objects.filter(entry=e, required_before_operation=True), 10_000)
    shown, hidden = (task.text_en, task.text) if language == "en" else (task.text, task.text_en)
    client.force_login(e.service_manager)
    dashboard = text(client, "/lifecycle/", language)
    service = text(client, f"/lifecycle/entries/{e.pk}/", language)
    page = text(client, f"/lifecycle/tasks/{task.pk}/", language)
    for html in (dashboard, service, page):
        assert shown in html and hidden not in html
    # The gate's checklist form (one box per item the manager may confirm).
    assert (gate.text_en if language == "en" else gate.text) in service


def test_the_termination_page_lists_its_items_in_english(client: Client) -> None:
    e = in_operation(city("kobe"))
    request_termination(acting_user=e.service_manager, entry=e, reason="契約満了")
    task = glossed(ChecklistTask.objects.filter(entry=e, phase="termination"), 120)
    client.force_login(e.service_manager)
    page = text(client, f"/lifecycle/entries/{e.pk}/termination/", "en")
    assert task.text_en in page and task.text not in page


def test_the_dashboard_reads_the_english_with_its_tasks(client: Client) -> None:
    e = entry(city("kobe"))
    client.force_login(e.service_manager)
    with CaptureQueriesContext(connection) as queries:
        text(client, "/lifecycle/", "en")
    one_task = [q["sql"] for q in queries if "lifecycle_checklisttask" in q["sql"] and '"id" = ' in q["sql"]]
    assert one_task == []
