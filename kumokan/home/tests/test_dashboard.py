"""The home page as a dashboard: each person sees the sections their roles grant."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.home import views
from kumokan.ledger.tests.listing import copies

pytestmark = pytest.mark.django_db


def test_the_applicant_sees_drafts_and_returned_applications(client: Client) -> None:
    city = f.city()
    draft = f.draft(city, service_name="下書きのサービス")
    returned = f.decided(city, f.Outcome.RETURNED, service_name="差し戻されたサービス")
    f.submitted(city, service_name="審査中のサービス")
    client.force_login(city.applicant)

    response = client.get("/")

    assert list(response.context["open_applications"]) == [returned, draft]


def test_the_approver_sees_the_queue_count(client: Client) -> None:
    city = f.city()
    f.submitted(city)
    client.force_login(city.security_manager)

    response = client.get("/")

    assert len(response.context["queue"]) == 1
    assert "/approvals/" in response.content.decode()


def test_services_are_counted_by_status(client: Client) -> None:
    city = f.city()
    f.entry(city)
    client.force_login(city.chief)

    counts = {status: count for status, _, count in client.get("/").context["services_by_status"]}

    assert counts == {"approved": 1, "in_operation": 0, "suspended": 0, "retired": 0}


def test_sections_a_role_does_not_grant_are_absent(client: Client) -> None:
    city = f.city()
    client.force_login(city.chief)

    context = client.get("/").context

    assert "open_applications" not in context
    assert "queue" not in context


def test_the_services_one_manages_are_listed_up_to_a_limit(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = f.city()
    first = f.entry(city)
    copies(first, ["二つ目のサービス", "三つ目のサービス"])
    monkeypatch.setattr(views, "MANAGED_LISTED", 2)
    client.force_login(first.service_manager)

    context = client.get("/").context

    assert len(context["managed"]) == 2
    assert context["managed_more"] == 1


def test_and_n_more_of_the_services_one_manages_opens_the_ledger_filtered_to_them(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = f.city()
    first = f.entry(city)
    copies(first, ["二つ目のサービス", "三つ目のサービス"])
    other = f.entry(city, service_name="他の人のサービス")
    other.service_manager = city.staff
    other.save(update_fields=["service_manager"])
    monkeypatch.setattr(views, "MANAGED_LISTED", 2)
    client.force_login(first.service_manager)

    assert 'href="/ledger/?mine=on"' in client.get("/").content.decode()
    listed = client.get("/ledger/?mine=on").content.decode()
    assert "三つ目のサービス" in listed and "他の人のサービス" not in listed
    assert "他の人のサービス" in client.get("/ledger/").content.decode()
