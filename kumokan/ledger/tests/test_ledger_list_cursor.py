"""Deep pages of the ledger list go on by cursor: the same order as page numbers, both ways, any sort."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.ledger import paging
from kumokan.ledger.tests.listing import ledger_of

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry.service_name for entry in response.context["page"].object_list]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    monkeypatch.setattr(paging, "NUMBERED_PAGES", 2)


@pytest.mark.parametrize("sort", ["service", "-service", "updated", "-department", "manager"])
def test_cursor_pages_continue_the_numbered_ones_in_order(
    client: Client, small_pages: None, sort: str
) -> None:
    city = f.city()
    ledger_of(city, 10)
    client.force_login(city.chief)
    everything = []
    response = client.get("/ledger/", {"sort": sort})
    while True:
        everything += names(response)
        page = response.context["page"]
        if page.next_number:
            response = client.get("/ledger/", {"sort": sort, "page": page.next_number})
        elif page.next_cursor:
            response = client.get("/ledger/", {"sort": sort, "after": page.next_cursor})
        else:
            break

    assert len(everything) == 10
    assert len(set(everything)) == 10
    assert response.context["page"].number is None  # the last pages were reached by cursor


def test_previous_goes_back_by_cursor(client: Client, small_pages: None) -> None:
    city = f.city()
    ledger_of(city, 10)
    client.force_login(city.chief)
    second = client.get("/ledger/", {"page": 2})
    third = client.get("/ledger/", {"after": second.context["page"].next_cursor})

    back = client.get("/ledger/", {"before": third.context["page"].previous_cursor})

    assert names(back) == names(second)
    assert 'rel="next"' in third.content.decode()


def test_numbered_links_stop_and_a_next_link_carries_the_cursor_and_filters(
    client: Client, small_pages: None
) -> None:
    city = f.city()
    ledger_of(city, 10)
    client.force_login(city.chief)

    page = client.get("/ledger/", {"page": 2, "status": "approved"}).content.decode()

    assert "page=3" not in page
    next_link = page.split('rel="next"')[0].rsplit("href=", 1)[-1]
    assert "after=" in next_link
    assert "status=approved" in next_link


def test_a_malformed_cursor_shows_the_first_page(client: Client, small_pages: None) -> None:
    city = f.city()
    ledger_of(city, 5)
    client.force_login(city.chief)

    response = client.get("/ledger/", {"after": "not-a-cursor"})

    assert response.status_code == 200
    assert response.context["page"].number == 1
