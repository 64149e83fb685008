"""A checklist item on the dashboard's due lists is named by the start of its text, and a text cut short ends
in … (cut bare, 「…当該クラウドサービスの」 read as the whole item)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kumokan.lifecycle.actions.tasks import assign_task
from kumokan.lifecycle.due import TITLE_LENGTH, due_items_for
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, entry

pytestmark = pytest.mark.django_db


def test_a_long_item_is_cut_with_an_ellipsis_and_a_short_one_is_whole() -> None:
    e = entry(city("kobe"))
    manager = e.service_manager
    tasks = list(ChecklistTask.objects.filter(entry=e))
    long = next(t for t in tasks if len(t.text) > TITLE_LENGTH + 5)
    short = next(t for t in tasks if len(t.text) < TITLE_LENGTH - 5)
    day = timezone.localdate() + datetime.timedelta(days=10)
    for task in (long, short):
        assign_task(acting_user=manager, task=task, responsible=manager, due_date=day)

    titles = {item.uid: item.title for item in due_items_for(manager)}

    assert titles[f"task-{long.pk}"].endswith("…") and len(titles[f"task-{long.pk}"]) == TITLE_LENGTH
    assert long.text.startswith(titles[f"task-{long.pk}"][:-1])
    assert titles[f"task-{short.pk}"] == short.text
    client = Client()
    client.force_login(manager)
    assert titles[f"task-{long.pk}"] in client.get("/lifecycle/").content.decode()
