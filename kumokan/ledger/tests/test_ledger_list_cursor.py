"""Deep pages of the ledger list go on by cursor: the same order as page numbers, both ways, any sort."""

import base64
import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def test_a_malformed_cursor_says_the_first_page_is_shown(client: Client, small_pages: None) -> None:
    city = f.city()
    ledger_of(city, 5)
    client.force_login(city.chief)

    response = client.get("/ledger/", {"before": "not-a-cursor"}, HTTP_ACCEPT_LANGUAGE="ja")

    assert response.context["page"].number == 1
    assert "リンクのページ位置が読み取れないため、最初のページを表示しています。" in response.content.decode()


def cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        ["2020-13-45T00:00:00", 1],  # month 13: parse_datetime raised ValueError (HTTP 500)
        ["2020-01-01T00:00:00+25:00", 1],  # an offset past a day
        ["0001-01-01T00:00:00+09:00", 1],  # before year 1 in UTC
        ["9999-12-31T23:59:59-09:00", 1],  # after year 9999 in UTC
        ["2020-01-01T00:00:00", 1],  # no offset: not a cursor we wrote
        ["2020-01-01T00:00:00+09:00", 2**63],  # past a bigint
        ["2020-01-01T00:00:00+09:00", True],
    ],
)
def test_a_cursor_with_impossible_values_shows_the_first_page(
    client: Client, small_pages: None, values: list[Any]
) -> None:
    city = f.city()
    ledger_of(city, 5)
    client.force_login(city.chief)

    response = client.get("/ledger/", {"sort": "updated", "after": cursor(values)})

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert response.context["page"].unreadable_cursor == "after"


SORTS = ["service", "-updated", "department", "manager", "status"]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
CURSORS = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(JSON, st.datetimes().map(lambda d: d.isoformat()), st.text()), max_size=4).map(cursor),
    st.builds(
        lambda moment, offset, pk: cursor([f"{moment.isoformat()}{offset}", pk]),
        st.datetimes(),
        st.sampled_from(["", "Z", "+09:00", "-23:59", "+24:00", "+99:99"]),
        st.integers(),
    ),
)


def test_no_cursor_makes_a_server_error(client: Client) -> None:
    city = f.city()
    ledger_of(city, 3)
    client.force_login(city.chief)

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(sort=st.sampled_from(SORTS), key=st.sampled_from(["after", "before"]), value=CURSORS)
    def ask(sort: str, key: str, value: str) -> None:
        response = client.get("/ledger/", {"sort": sort, key: value})
        assert response.status_code == 200

    ask()
