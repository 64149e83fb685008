"""Lists count up to a cap (「10,000件以上」): the count reads at most the cap's rows, whatever the
table holds, and the rows past the counted ones are still reached, by cursor (issue 18, target 1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kumokan.applications.tests import factories as f
from kumokan.ledger import paging
from kumokan.ledger.tests.listing import ledger_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cap of 5 with pages of 3, two of them numbered: ten entries are past the cap."""
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    monkeypatch.setattr(paging, "NUMBERED_PAGES", 2)


def walk_page(client: Client, params: dict[str, str]) -> list[str]:
    """Every service name of the list, following the next links from the first page."""
    seen: list[str] = []
    response = client.get("/ledger/", params)
    while True:
        page = response.context["page"]
        seen += [entry.service_name for entry in page.object_list]
        if page.next_number:
            response = client.get("/ledger/", {**params, "page": page.next_number})
        elif page.next_cursor:
            response = client.get("/ledger/", {**params, "after": page.next_cursor})
        else:
            return seen


def test_the_page_says_more_than_the_cap_and_every_entry_is_still_reached(
    client: Client, small_cap: None
) -> None:
    city = f.city()
    ledger_of(city, 10)
    client.force_login(city.chief)

    response = client.get("/ledger/")

    page = response.context["page"]
    assert (page.total, page.capped) == (5, True)
    assert "5件以上" in response.content.decode()
    assert page.numbers == [1, 2]
    assert len(set(walk_page(client, {}))) == 10


def test_below_the_cap_the_count_is_exact(client: Client, small_cap: None) -> None:
    city = f.city()
    ledger_of(city, 4)
    client.force_login(city.chief)

    response = client.get("/ledger/")

    page = response.context["page"]
    assert (page.total, page.capped) == (4, False)
    # Not "4件以上" (Kobe's track badge says 機密性２以上: the count's words are looked for).
    assert "4件" in response.content.decode() and "件以上" not in response.content.decode()


def test_a_page_number_past_the_counted_rows_shows_the_last_counted_page_with_a_cursor_onwards(
    client: Client, small_cap: None
) -> None:
    city = f.city()
    ledger_of(city, 10)
    client.force_login(city.chief)

    page = client.get("/ledger/", {"page": 4}).context["page"]

    # 5 counted rows are two pages of 3; the second still leads on, by cursor.
    assert page.number == 2 and page.next_number is None and page.next_cursor


def test_the_count_stops_at_the_cap(client: Client, small_cap: None) -> None:
    city = f.city()
    ledger_of(city, 10)
    client.force_login(city.chief)

    with CaptureQueriesContext(connection) as captured:
        client.get("/ledger/", {"q": "サービス"})

    counts = [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and '"ledger_ledgerentry"' in q["sql"]
    ]
    assert counts and all("LIMIT 6" in sql for sql in counts), counts
