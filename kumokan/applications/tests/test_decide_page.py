"""The approver's page: the application, its stored judgment, the answers, and the decision."""

import pytest
from django.test import Client

from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_stored_judgment_with_its_pack_version(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.security_manager)

    page = client.get(f"/approvals/{application.pk}/").content.decode()

    assert "神戸市外部サービス利用基準</a>（" in page  # the rules judged with, by name and version
    assert application.judgment.items("selection")[0]["text"] in page
    assert 'name="outcome"' in page


def test_approving_records_the_decision_and_the_ledger_entry(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.security_manager)

    response = client.post(
        f"/approvals/{application.pk}/", {"outcome": "approved", "version": application.version}
    )

    assert response.status_code == 302
    assert f.fresh(application).status == "approved"
    entry = LedgerEntry.objects.get(application=application)
    assert entry.service_manager == city.applicant  # Kobe §5.2.1③: the applicant is designated


def test_returning_needs_a_reason(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.security_manager)

    response = client.post(
        f"/approvals/{application.pk}/", {"outcome": "returned", "version": application.version}
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert f.fresh(application).status == "submitted"


def test_a_rejection_is_asked_again_before_it_is_made(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.security_manager)
    data = {"outcome": "rejected", "reason": "国外の法令が適用されるため", "version": application.version}

    asked = client.post(f"/approvals/{application.pk}/", data)
    assert asked.status_code == 200
    assert "却下しますか" in asked.content.decode() or "Reject this application?" in asked.content.decode()
    assert f.fresh(application).status == "submitted"

    client.post(f"/approvals/{application.pk}/", data | {"confirmed": "on"})
    assert f.fresh(application).status == "rejected"
    assert Decision.objects.get(application=application).reason == "国外の法令が適用されるため"


def test_a_stale_version_shows_a_conflict(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.security_manager)

    response = client.post(
        f"/approvals/{application.pk}/", {"outcome": "approved", "version": application.version - 1}
    )

    assert response.status_code == 200
    assert "他の人が先に更新しました" in " ".join(response.context["form"].non_field_errors())
    assert not Decision.objects.exists()


def test_the_approver_names_the_service_manager_where_the_pack_says_so(client: Client) -> None:
    city = f.city("kitakyushu")  # high track: the CISO designates the manager (§5.2(1)③)
    application = f.submitted(city, applicant=city.head)
    client.force_login(city.chief)

    form = client.get(f"/approvals/{application.pk}/").context["form"]
    assert "service_manager" in form.fields
    missing = client.post(
        f"/approvals/{application.pk}/", {"outcome": "approved", "version": application.version}
    )
    assert "service_manager" in missing.context["form"].errors

    client.post(
        f"/approvals/{application.pk}/",
        {"outcome": "approved", "version": application.version, "service_manager": city.staff.pk},
    )
    assert LedgerEntry.objects.get(application=application).service_manager == city.staff


def test_someone_who_is_not_the_approver_is_refused(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.chief)  # in Kobe the 情報セキュリティ管理者 decides, not the CISO

    assert client.get(f"/approvals/{application.pk}/").status_code == 403


def test_another_municipalitys_approver_does_not_find_it(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    other = f.city("osaka", approver=("デジタル統括室長", "approver"))
    client.force_login(other.approver)

    assert client.get(f"/approvals/{application.pk}/").status_code == 404


def test_a_decided_application_offers_no_decision(client: Client) -> None:
    city = f.city()
    application = f.decided(city, f.Outcome.APPROVED)
    client.force_login(city.security_manager)

    response = client.get(f"/approvals/{application.pk}/")
    assert 'name="outcome"' not in response.content.decode()
    again = client.post(
        f"/approvals/{application.pk}/",
        {"outcome": "rejected", "reason": "x", "version": application.version},
    )
    assert again.status_code == 302
    assert f.fresh(application).status == "approved"


def test_the_queue_lists_what_this_approver_decides(client: Client) -> None:
    city = f.city()
    mine = f.submitted(city)
    f.draft(city, service_name="下書きのサービス")
    client.force_login(city.security_manager)

    page = client.get("/approvals/")

    assert list(page.context["applications"]) == [mine]


def test_the_queue_shows_each_track_and_its_queries_do_not_grow_with_it(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    city = f.city()
    first = f.submitted(city)
    client.force_login(city.security_manager)
    client.get("/approvals/")  # the session and the user's first reads
    with CaptureQueriesContext(connection) as one:
        page = client.get("/approvals/").content.decode()
    for n in range(4):
        f.submitted(city, service_name=f"追加のサービス{n}")
    with CaptureQueriesContext(connection) as five:
        more = client.get("/approvals/")

    assert first.judgment.judgment["track_label"] in page
    assert len(more.context["applications"]) == 5
    # The routing asks about the approver's role once per application; nothing else grows with the queue.
    assert len(five) - len(one) <= 4
