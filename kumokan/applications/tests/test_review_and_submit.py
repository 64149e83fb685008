"""Step 3 of applying: what still stops the submission, and submitting through the action."""

import pytest
from django.test import Client

from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_review_lists_what_is_missing_and_disables_submitting(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    client.force_login(city.applicant)

    response = client.get(f"/applications/{application.pk}/review/")

    page = response.content.decode()
    assert "選定条件の確認事項に未回答" in page
    assert 'disabled aria-disabled="true"' in page


def test_a_complete_draft_is_submitted(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    f.answer_all(application)
    application = f.fresh(application)
    client.force_login(city.applicant)

    response = client.post(f"/applications/{application.pk}/submit/", {"version": application.version})

    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/"
    assert f.fresh(application).status == "submitted"


def test_submitting_an_incomplete_draft_shows_each_reason(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    client.force_login(city.applicant)

    response = client.post(
        f"/applications/{application.pk}/submit/", {"version": application.version}, follow=True
    )

    assert f.fresh(application).status == "draft"
    assert any("未回答" in str(m) for m in response.context["messages"])


def test_kobe_low_track_is_approved_on_submission(client: Client) -> None:
    city = f.city()
    application = f.draft(city, high=False)
    f.answer_all(application)
    application = f.fresh(application)
    client.force_login(city.applicant)

    client.post(f"/applications/{application.pk}/submit/", {"version": application.version})

    decision = Decision.objects.get(application=application)
    assert decision.self_approval
    assert f.fresh(application).status == "approved"
    assert LedgerEntry.objects.get(application=application).service_manager == city.applicant


def test_a_returned_application_is_submitted_again(client: Client) -> None:
    city = f.city()
    application = f.decided(city, f.Outcome.RETURNED)
    client.force_login(city.applicant)

    client.post(f"/applications/{application.pk}/submit/", {"version": application.version})

    assert f.fresh(application).status == "submitted"


def test_a_stale_version_is_refused(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    f.answer_all(application)
    client.force_login(city.applicant)

    response = client.post(
        f"/applications/{application.pk}/submit/", {"version": application.version}, follow=True
    )

    assert f.fresh(application).status == "draft"
    assert any("他の人が先に更新しました" in str(m) for m in response.context["messages"])


def test_get_on_submit_is_refused(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    client.force_login(city.applicant)

    assert client.get(f"/applications/{application.pk}/submit/").status_code == 405


def test_submit_needs_the_csrf_token() -> None:
    city = f.city()
    application = f.draft(city)
    f.answer_all(application)
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.applicant)

    response = client.post(
        f"/applications/{application.pk}/submit/", {"version": f.fresh(application).version}
    )

    assert response.status_code == 403
    assert f.fresh(application).status == "draft"


def test_withdrawing_is_confirmed_first(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    client.force_login(city.applicant)

    asked = client.post(f"/applications/{application.pk}/withdraw/", {"version": application.version})
    assert asked.status_code == 200
    assert f.fresh(application).status == "draft"

    client.post(
        f"/applications/{application.pk}/withdraw/",
        {"version": application.version, "confirmed": "on", "reason": "別の方法にする"},
    )
    assert f.fresh(application).status == "withdrawn"


def test_a_blocking_finding_is_explained_on_the_review_page_where_it_blocks(client: Client) -> None:
    city = f.city()
    application = f.draft(city, required_clauses_present=False)
    f.answer_all(application)
    application = f.fresh(application)
    client.force_login(city.applicant)

    page = client.get(f"/applications/{application.pk}/review/").content.decode()
    assert 'id="finding-kobe-required_clauses_missing"' in page
    assert f'action="/applications/{application.pk}/explain/"' in page
    assert f'href="/applications/{application.pk}/checklist/#finding-kobe-required_clauses_missing"' in page

    response = client.post(
        f"/applications/{application.pk}/explain/",
        {
            "pack": "kobe",
            "code": "required_clauses_missing",
            "version": application.version,
            "explanation": "提供者と特約を締結し、必要な条項を担保している。",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/review/#findings"
    explained = f.fresh(application).explanations.get()
    assert explained.code == "required_clauses_missing" and explained.explained_by == city.applicant
    assert AuditEvent.objects.filter(action="application.explain_finding").count() == 1
    page = client.get(f"/applications/{application.pk}/review/").content.decode()
    assert 'id="finding-kobe-required_clauses_missing"' not in page
    assert 'disabled aria-disabled="true"' not in page


def test_an_empty_explanation_is_refused_on_the_review_page_and_nothing_is_saved(client: Client) -> None:
    city = f.city()
    application = f.draft(city, required_clauses_present=False)
    client.force_login(city.applicant)
    response = client.post(
        f"/applications/{application.pk}/explain/",
        {
            "pack": "kobe",
            "code": "required_clauses_missing",
            "version": application.version,
            "explanation": " ",
        },
    )
    assert response.status_code == 400
    assert "field--invalid" in response.content.decode()
    assert not f.fresh(application).explanations.exists()


def test_only_the_applicant_explains_and_only_by_post(client: Client) -> None:
    city = f.city()
    application = f.draft(city, required_clauses_present=False)
    data = {
        "pack": "kobe",
        "code": "required_clauses_missing",
        "version": application.version,
        "explanation": "説明",
    }
    client.force_login(city.applicant)
    assert client.get(f"/applications/{application.pk}/explain/").status_code == 405
    client.force_login(city.staff)
    assert client.post(f"/applications/{application.pk}/explain/", data).status_code in (403, 404)
    assert not f.fresh(application).explanations.exists()
