"""Step 1 of applying: the facts form, in the municipality's own classification, saved as a draft."""

from typing import Any

import pytest
from django.test import Client

from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f

pytestmark = pytest.mark.django_db


def form_data(city: f.City, **overrides: Any) -> dict[str, Any]:
    data = {
        "department": city.department.pk,
        "service_name": "電子申請サービス",
        "provider": "株式会社クラウド自治",
        "function_name": "",
        "purpose": "市民からの各種申請の受付",
        "business_scope": "住民票の写しの交付申請",
        "service_model": "saas",
        "deployment": "public",
        "confidentiality": f.HIGH_CODE.get(city.slug, "2"),
        "availability": f.LOW_CODE.get(city.slug, "1"),
        "municipal_confidentiality": "",
        "required_clauses_present": "on",
        "data_location": "JP",
        "governing_law": "JP",
        "user_scope": "organisation",
        "certifications": ["ISMAP"],
        "next": "checklist",
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_municipalitys_own_classification(client: Client) -> None:
    city = f.city("kitakyushu")
    client.force_login(city.head)

    page = client.get("/applications/new/").content.decode()

    assert "機密性の基準第1種" in page
    assert "その他（重要情報資産以外）" in page


def test_saving_creates_a_draft_and_leads_to_the_checklist(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    response = client.post("/applications/new/", form_data(city))

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/checklist/"
    assert application.status == "draft"
    assert application.applicant == city.applicant
    assert application.facts["certifications"] == ["ISMAP"]
    assert application.judgment is not None


def test_the_engines_problems_show_on_their_fields_in_japanese(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    response = client.post("/applications/new/", form_data(city, data_location="J1"))

    assert response.status_code == 200
    assert not Application.objects.exists()
    errors = response.context["form"].errors
    assert "data_location" in errors
    assert "ISO 3166 の2文字の国コード" in errors["data_location"][0]


def test_a_department_where_the_user_does_not_apply_is_refused(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    response = client.post("/applications/new/", form_data(city, department=city.other_department.pk))

    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_person_without_an_applying_role_is_refused(client: Client) -> None:
    city = f.city()
    client.force_login(city.chief)

    assert client.get("/applications/new/").status_code == 403


def test_the_live_judgment_starts_from_the_stored_one_when_editing(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    client.force_login(city.applicant)

    page = client.get(f"/applications/{application.pk}/edit/").content.decode()

    assert "情報セキュリティ管理者" in page
    assert 'aria-live="polite"' in page


def test_a_new_form_shows_the_judgment_of_its_starting_values(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    page = client.get("/applications/new/").content.decode()

    assert "機密性２以上の情報を取り扱わない場合" in page  # the lowest classification is preselected
