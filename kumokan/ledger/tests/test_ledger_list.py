"""The ledger list: search, filters, sorting by column, and pages that keep the filters."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.ledger.tests.listing import copies, ledger_of

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry.service_name for entry in response.context["page"].object_list]


def test_the_list_shows_the_entries_with_their_manager(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.chief)

    response = client.get("/ledger/")

    assert response.status_code == 200
    assert names(response) == [entry.service_name]
    assert entry.service_manager_name in response.content.decode()


def test_search_finds_service_provider_and_purpose(client: Client) -> None:
    city = f.city()
    first = f.entry(city)
    copies(first, ["Web会議サービス"], provider_name="会議システム株式会社", purpose="庁内会議")
    client.force_login(city.chief)

    assert names(client.get("/ledger/", {"q": "web会議"})) == ["Web会議サービス"]
    assert names(client.get("/ledger/", {"q": "会議システム"})) == ["Web会議サービス"]
    assert names(client.get("/ledger/", {"q": "庁内会議"})) == ["Web会議サービス"]
    assert names(client.get("/ledger/", {"q": "存在しない"})) == []


def test_filters_narrow_by_status_department_track_and_provider(client: Client) -> None:
    city = f.city()
    first = f.entry(city)
    copies(first, ["稼働中のサービス"], status="in_operation")
    copies(first, ["保育課のサービス"], department=city.other_department)
    copies(first, ["低区分のサービス"], track="low", provider_name="別の提供者")
    client.force_login(city.chief)

    assert names(client.get("/ledger/", {"status": "in_operation"})) == ["稼働中のサービス"]
    assert names(client.get("/ledger/", {"department": city.other_department.pk})) == ["保育課のサービス"]
    assert names(client.get("/ledger/", {"track": "low"})) == ["低区分のサービス"]
    assert names(client.get("/ledger/", {"provider": "別の提供者"})) == ["低区分のサービス"]
    assert len(names(client.get("/ledger/", {"classification": first.classification_code}))) == 4


def test_column_headers_sort_both_ways(client: Client) -> None:
    city = f.city()
    first = f.entry(city)
    copies(first, ["Aサービス", "Bサービス"])
    client.force_login(city.chief)

    ascending = names(client.get("/ledger/", {"sort": "service"}))
    descending = client.get("/ledger/", {"sort": "-service"})

    assert ascending == sorted(ascending)
    assert names(descending) == list(reversed(ascending))
    assert 'aria-sort="descending"' in descending.content.decode()


def test_an_unknown_sort_falls_back_to_the_service_name(client: Client) -> None:
    city = f.city()
    f.entry(city)
    client.force_login(city.chief)

    assert client.get("/ledger/", {"sort": "password"}).status_code == 200


def test_pages_hold_25_entries_and_keep_the_filters(client: Client) -> None:
    city = f.city()
    ledger_of(city, 30)
    client.force_login(city.chief)

    first = client.get("/ledger/", {"q": "サービス", "status": "approved"})
    second = client.get("/ledger/", {"q": "サービス", "status": "approved", "page": 2})

    assert len(names(first)) == 25
    assert len(names(second)) == 5
    page = first.content.decode()
    assert "page=2" in page
    assert "status=approved" in page.split("page=2")[0].rsplit("href=", 1)[-1]


def test_a_department_scoped_role_sees_its_department_only(client: Client) -> None:
    city = f.city()
    first = f.entry(city)
    copies(first, ["保育課のサービス"], department=city.other_department)
    client.force_login(city.other_head)

    assert names(client.get("/ledger/")) == ["保育課のサービス"]


def test_another_municipalitys_ledger_is_not_shown(client: Client) -> None:
    city = f.city()
    f.entry(city)
    other = f.city("osaka", approver=("デジタル統括室長", "approver"))
    client.force_login(other.chief)

    assert names(client.get("/ledger/")) == []
