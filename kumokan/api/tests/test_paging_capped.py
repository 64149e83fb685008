"""The API's lists count up to a cap: `count_capped` says there are more, and the rows past the counted
ones are reached by cursor (issue 18, target 1)."""

from __future__ import annotations

import pytest

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f
from kumokan.ledger import paging
from kumokan.ledger.tests.listing import ledger_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cap of 5 with pages of 3: ten entries are past the cap."""
    monkeypatch.setattr(paging, "COUNT_CAP", 5)


def test_the_api_says_count_capped_and_refuses_page_numbers_past_the_cap(api_as, small_cap: None) -> None:
    city = f.city()
    ledger_of(city, 10)
    client = api_as(city.chief)

    first = client.get("/ledger", page_size=3).json()

    assert (first["count"], first["count_capped"], first["pages"]) == (5, True, 2)
    last_counted = client.get("/ledger", page_size=3, page=2).json()
    assert last_counted["next_page"] is None and last_counted["next_cursor"]
    assert_error(client.get("/ledger", page_size=3, page=3), 422)
    seen = list(first["results"])
    page = first
    while page["next_cursor"]:
        page = client.get("/ledger", page_size=3, after=page["next_cursor"]).json()
        assert page["count_capped"] is True
        seen += page["results"]
    assert len({row["id"] for row in seen}) == 10


def test_the_api_count_is_exact_below_the_cap(api_as, small_cap: None) -> None:
    city = f.city()
    ledger_of(city, 4)

    first = api_as(city.chief).get("/ledger", page_size=3).json()

    assert (first["count"], first["count_capped"]) == (4, False)
