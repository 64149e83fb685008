"""One list convention: page_size up to a maximum, cursors from the first page on, an empty page past
the end, updated_since where objects change; the same on every list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kumokan.api.pages import MAX_PAGE_SIZE
from kumokan.api.tests.support import assert_error
from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.models import ChecklistTask

pytestmark = pytest.mark.django_db


def walk(client, path, **params):
    """Every result of a list, following next_cursor from the first page."""
    page = client.get(path, **params).json()
    seen = list(page["results"])
    while page["next_cursor"]:
        page = client.get(path, after=page["next_cursor"], **params).json()
        assert page["page"] is None
        seen += page["results"]
    return seen


def test_every_list_takes_page_size_and_follows_cursors_to_the_end(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    for name in ("Box", "Teams", "Zoom"):
        f.draft(c, service_name=name)
    client = api_as(c.applicant)
    tasks = ChecklistTask.objects.filter(entry=entry).count()

    for path, total in (
        ("/applications", Application.objects.count()),
        (f"/ledger/{entry.pk}/tasks", tasks),
        ("/services", None),
    ):
        first = client.get(path, page_size=2).json()
        assert first["page_size"] == 2 and len(first["results"]) == 2, path
        ids = [r["id"] for r in walk(client, path, page_size=2)]
        assert len(ids) == len(set(ids)) == first["count"], path
        assert total is None or first["count"] == total
        numbered = [
            r["id"]
            for n in range(1, first["pages"] + 1)
            for r in client.get(path, page_size=2, page=n).json()["results"]
        ]
        assert numbered == ids, path


def test_a_page_past_the_end_is_empty_and_page_size_has_a_maximum(api_as):
    c = f.city("kobe")
    f.draft(c)
    client = api_as(c.applicant)

    past = client.get("/applications", page=5)

    assert past.status_code == 200
    body = past.json()
    assert body["results"] == [] and body["count"] == 1 and body["page"] == 5 and body["next_cursor"] is None
    assert body["previous_page"] == 1
    assert client.get("/applications", page_size=MAX_PAGE_SIZE).status_code == 200
    assert_error(client.get("/applications", page_size=MAX_PAGE_SIZE + 1), 422)
    assert_error(client.get("/applications", page_size=0), 422)
    assert_error(client.get("/applications", after="not-a-cursor"), 422)


def test_the_previous_cursor_leads_back(api_as):
    c = f.city("kobe")
    for name in ("A", "B", "C", "D", "E"):
        f.draft(c, service_name=name)
    client = api_as(c.applicant)

    second = client.get("/applications", page_size=2, page=2).json()
    back = client.get("/applications", page_size=2, before=second["previous_cursor"]).json()

    assert back["results"] == client.get("/applications", page_size=2, page=1).json()["results"]


def test_updated_since_lists_only_what_changed(api_as):
    c = f.city("kobe")
    old_entry = f.entry(c)
    old = f.draft(c, service_name="Box")
    moment = timezone.now()
    LedgerEntry.objects.filter(pk=old_entry.pk).update(updated_at=moment - datetime.timedelta(days=1))
    Application.objects.filter(pk=old.pk).update(updated_at=moment - datetime.timedelta(days=1))
    new = f.draft(c, service_name="Teams")
    client = api_as(c.applicant)
    since = moment.isoformat()

    assert [a["id"] for a in client.get("/applications", updated_since=since).json()["results"]] == [new.pk]
    assert api_as(c.staff).get("/ledger", updated_since=since).json()["count"] == 0
    assert (
        api_as(c.staff)
        .get("/ledger", updated_since=(moment - datetime.timedelta(days=2)).isoformat())
        .json()["count"]
        == 1
    )
    assert_error(client.get("/applications", updated_since="yesterday"), 422)
