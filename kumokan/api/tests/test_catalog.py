from __future__ import annotations

import pytest

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f
from kumokan.catalog.models import Certification, CloudService, Provider
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def kobe_catalog():
    c = f.city("kobe")
    f.draft(c, provider="ＡＢＣ株式会社", service_name="文書共有")
    f.draft(c, provider="Microsoft", service_name="Teams", service_model="web_conference")
    return c


def test_providers_are_listed_by_name_and_found_width_insensitively(api_as, kobe_catalog):
    client = api_as(kobe_catalog.staff)

    names = [p["name"] for p in client.get("/providers").json()["results"]]
    found = client.get("/providers", q="abc").json()

    assert names == sorted(names) and len(names) == 2
    assert [p["name"] for p in found["results"]] == ["ＡＢＣ株式会社"]


def test_a_provider_with_its_services_and_certifications(api_as, kobe_catalog):
    provider = Provider.objects.get(name="Microsoft")
    Certification.objects.create(provider=provider, kind="ISMAP", registration_number="C21-0005-2")

    body = api_as(kobe_catalog.staff).get(f"/providers/{provider.pk}").json()

    assert [s["name"] for s in body["services"]] == ["Teams"]
    assert body["certifications"][0]["registration_number"] == "C21-0005-2"
    assert body["certifications"][0]["services"] == []


def test_services_filter_by_model_and_provider(api_as, kobe_catalog):
    client = api_as(kobe_catalog.staff)
    teams = CloudService.objects.get(name="Teams")

    assert [s["id"] for s in client.get("/services", service_model="web_conference").json()["results"]] == [
        teams.pk
    ]
    assert client.get("/services", provider=teams.provider_id).json()["count"] == 1
    assert client.get(f"/services/{teams.pk}").json()["service_model_label"] == "ウェブ会議"
    assert_error(client.get("/services", service_model="mainframe"), 422)


def test_another_municipalitys_catalogue_is_out_of_reach(api_as, kobe_catalog):
    osaka = f.city("osaka", approver=("ICT戦略室長", "approver"))
    provider = Provider.objects.get(name="Microsoft")

    assert api_as(osaka.staff).get("/providers").json()["count"] == 0
    assert_error(api_as(osaka.staff).get(f"/providers/{provider.pk}"), 404)
    assert_error(api_as(osaka.staff).get(f"/services/{provider.services.get().pk}"), 404)


def test_contractors_may_not_read_the_catalogue(api_as, kobe_catalog):
    contractor = f.member(kobe_catalog.municipality, Role.CONTRACTOR, kobe_catalog.department)

    assert_error(api_as(contractor).get("/providers"), 403)
    assert_error(api_as(None).get("/services"), 401)
