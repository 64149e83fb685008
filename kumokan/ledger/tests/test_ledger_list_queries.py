"""The ledger list asks the database the same number of questions however many entries it shows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kumokan.applications.tests import factories as f
from kumokan.ledger import paging
from kumokan.ledger.tests.listing import copies, ledger_of

pytestmark = pytest.mark.django_db


def queries(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/ledger/", params)
    assert response.status_code == 200
    return len(captured)


def test_queries_stay_constant_as_entries_and_page_size_grow(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = f.city()
    first, *_ = ledger_of(city, 5)
    client.force_login(city.chief)
    cases = {"plain": {}, "filtered": {"q": "サービス", "status": "approved", "sort": "-updated"}}
    monkeypatch.setattr(paging, "PAGE_SIZE", 10)
    small = {name: queries(client, params) for name, params in cases.items()}

    # Ten times the entries, in another department with another manager, on pages five times as long.
    copies(
        first,
        [f"追加サービス{n:02d}" for n in range(45)],
        department=city.other_department,
        service_manager=city.other_head,
    )
    monkeypatch.setattr(paging, "PAGE_SIZE", 50)
    large = {name: queries(client, params) for name, params in cases.items()}

    assert large == small


def test_a_cursor_page_asks_no_more_than_a_numbered_one(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = f.city()
    ledger_of(city, 12)
    client.force_login(city.chief)
    monkeypatch.setattr(paging, "PAGE_SIZE", 5)
    monkeypatch.setattr(paging, "NUMBERED_PAGES", 1)

    first = client.get("/ledger/")
    cursor = first.context["page"].next_cursor
    with CaptureQueriesContext(connection) as numbered:
        client.get("/ledger/")
    with CaptureQueriesContext(connection) as by_cursor:
        client.get("/ledger/", {"after": cursor})

    assert cursor
    assert len(by_cursor) == len(numbered)


def test_the_page_reads_its_rows_without_joining_the_department(client: Client) -> None:
    # Joined for its name, SQLite took the department as the outer loop and sorted every entry matching
    # the filters before taking a page (124 ms at 100,000 entries; BENCHMARKS.md): the name is read after.
    city = f.city()
    ledger_of(city, 3)
    client.force_login(city.chief)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/ledger/", {"status": "approved"})
    assert response.status_code == 200
    rows = [
        q["sql"]
        for q in captured
        if q["sql"].startswith('SELECT "ledger_ledgerentry".') and "LIMIT" in q["sql"]
    ]
    assert rows and all("tenancy_department" not in sql for sql in rows)
    assert len(response.context["rows"]) == 3
    assert f'<td class="ledger__department">{city.department.name}</td>' in response.content.decode()
