"""Following an application: its facts, judgment, answers, decisions and status history."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_history_shows_each_status_change_with_who_made_it(client: Client) -> None:
    city = f.city()
    application = f.decided(city, f.Outcome.RETURNED, reason="目的を具体的に記載してください。")
    client.force_login(city.applicant)

    response = client.get(f"/applications/{application.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "目的を具体的に記載してください。" in page
    assert "審査中 → 差戻し" in page
    assert "下書き → 審査中" in page
    assert "確認事項への回答" not in page  # each answer is shown with its item, not as a line of history


def test_the_applicant_sees_the_links_to_continue_a_returned_application(client: Client) -> None:
    city = f.city()
    application = f.decided(city, f.Outcome.RETURNED)
    client.force_login(city.applicant)

    page = client.get(f"/applications/{application.pk}/").content.decode()

    assert f"/applications/{application.pk}/edit/" in page


def test_the_head_of_the_department_sees_its_applications(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.head)

    assert client.get(f"/applications/{application.pk}/").status_code == 200


def test_the_head_of_another_department_does_not_find_it(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.other_head)

    assert client.get(f"/applications/{application.pk}/").status_code == 404


def test_a_colleague_applicant_does_not_find_it(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    colleague = f.member(city.municipality, f.Role.APPLICANT, city.department)
    client.force_login(colleague)

    assert client.get(f"/applications/{application.pk}/").status_code == 404


def test_my_applications_lists_only_mine(client: Client) -> None:
    city = f.city()
    mine = f.draft(city)
    colleague = f.member(city.municipality, f.Role.APPLICANT, city.department)
    f.draft(city, applicant=colleague, service_name="他人のサービス")
    client.force_login(city.applicant)

    response = client.get("/applications/")

    assert list(response.context["applications"]) == [mine]
