"""Planning a procurement: who may, in which department, and who sees it."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.applications.tests.factories import user
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.procurement.models import Procurement
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db


def form_data(c, **overrides) -> dict:
    data = {
        "title": "電子申請サービスの調達",
        "department": c.department.pk,
        "service_name": "電子申請サービス",
        "provider": "",
        "purpose": "市民からの申請の受付",
        "service_model": "saas",
        "deployment": "public",
        "confidentiality": "2",
        "availability": "1",
        "municipal_confidentiality": "3B",
        "data_location": "JP",
        "governing_law": "JP",
        "user_scope": "organisation",
        "required_clauses_present": "on",
    }
    data.update(overrides)
    return data


def test_planning_a_procurement_saves_its_facts_with_the_provider_not_decided(client: Client) -> None:
    c = osaka()
    client.force_login(c.applicant)

    response = client.post("/procurement/new/", form_data(c))

    procurement = Procurement.objects.get()
    assert response["Location"] == f"/procurement/{procurement.pk}/"
    assert procurement.facts["provider"] == "—"
    assert procurement.facts["municipal_confidentiality"] == "3B"
    assert procurement.department == c.department
    event = AuditEvent.objects.get(action=Action.PROCUREMENT_CREATE)
    assert event.actor == c.applicant
    assert "未定" in client.get(f"/procurement/{procurement.pk}/").content.decode()


def test_facts_the_engine_rejects_are_shown_on_their_field(client: Client) -> None:
    c = osaka()
    client.force_login(c.applicant)

    response = client.post("/procurement/new/", form_data(c, data_location="Japan"))

    assert response.status_code == 200
    assert not Procurement.objects.exists()


def test_one_may_plan_only_in_ones_own_department(client: Client) -> None:
    c = osaka()
    client.force_login(c.applicant)

    response = client.post("/procurement/new/", form_data(c, department=c.other_department.pk))

    assert response.status_code == 200
    assert not Procurement.objects.exists()


def test_someone_with_no_planning_role_is_refused(client: Client) -> None:
    c = osaka()
    client.force_login(c.staff)

    assert client.get("/procurement/new/").status_code == 403
    assert client.get("/procurement/").status_code == 403


def test_a_person_with_no_role_is_refused(client: Client) -> None:
    client.force_login(user())

    assert client.get("/procurement/").status_code == 403


def test_the_list_shows_the_departments_own_and_a_city_wide_role_sees_all(client: Client) -> None:
    c = osaka()
    mine = plan(c, title="自分の所属の調達")
    other = Procurement.objects.create(
        municipality=c.municipality,
        department=c.other_department,
        title="他の所属の調達",
        facts=mine.facts,
        created_by=c.other_head,
    )

    client.force_login(c.applicant)
    page = client.get("/procurement/").content.decode()
    assert "自分の所属の調達" in page and "他の所属の調達" not in page
    assert client.get(f"/procurement/{other.pk}/").status_code == 404

    client.force_login(c.security_manager)
    page = client.get("/procurement/").content.decode()
    assert "自分の所属の調達" in page and "他の所属の調達" in page
    assert client.get(f"/procurement/{other.pk}/edit/").status_code == 403


def test_editing_the_facts_is_audited(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(c.applicant)

    response = client.post(
        f"/procurement/{procurement.pk}/edit/", form_data(c, service_model="paas", title="改題")
    )

    assert response.status_code == 302
    procurement.refresh_from_db()
    assert procurement.title == "改題"
    assert procurement.facts["service_model"] == "paas"
    event = AuditEvent.objects.get(action=Action.PROCUREMENT_EDIT)
    assert event.before["facts"]["service_model"] == "saas"
    assert event.after["facts"]["service_model"] == "paas"


def test_a_role_for_the_whole_city_plans_in_any_department(client: Client) -> None:
    c = osaka()
    client.force_login(c.system_department)

    response = client.post("/procurement/new/", form_data(c, department=c.other_department.pk))

    assert response.status_code == 302
    assert Procurement.objects.get().department == c.other_department
