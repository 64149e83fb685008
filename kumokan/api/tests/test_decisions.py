from __future__ import annotations

import pytest

from kumokan.api.tests.support import assert_error
from kumokan.applications.choices import Status
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_approver_approves_and_the_ledger_entry_is_created(api_as):
    c = f.city("kobe")
    application = f.submitted(c)
    version = f.fresh(application).version

    response = api_as(c.security_manager).post(
        f"/applications/{application.pk}/decisions", {"version": version, "outcome": "approved"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    entry = LedgerEntry.objects.get(application=application)
    assert body["outcome"] == "approved" and body["ledger_entry"] == entry.pk
    assert body["application"]["status"] == "approved"
    assert body["decided_by"] == c.security_manager.username
    assert AuditEvent.objects.filter(action="application.approve", actor=c.security_manager).exists()


def test_a_decision_on_an_old_version_is_409(api_as):
    c = f.city("kobe")
    application = f.submitted(c)
    version = f.fresh(application).version

    body = assert_error(
        api_as(c.security_manager).post(
            f"/applications/{application.pk}/decisions", {"version": version - 1, "outcome": "approved"}
        ),
        409,
    )

    assert body["code"] == "stale_version"
    assert f.fresh(application).status == Status.SUBMITTED


def test_returning_needs_a_reason(api_as):
    c = f.city("kobe")
    application = f.submitted(c)
    url = f"/applications/{application.pk}/decisions"
    version = f.fresh(application).version

    assert_error(
        api_as(c.security_manager).post(url, {"version": version, "outcome": "returned"}),
        400,
        "reason_required",
    )
    response = api_as(c.security_manager).post(
        url, {"version": version, "outcome": "returned", "reason": "不足"}
    )
    assert response.json()["application"]["status"] == "returned"


def test_an_approver_of_another_track_may_not_decide(api_as):
    c = f.city("kobe")
    application = f.submitted(c)

    # Kobe's high track is decided by the security manager: the generic approver role is not it.
    body = assert_error(
        api_as(c.approver).post(
            f"/applications/{application.pk}/decisions", {"version": 9, "outcome": "approved"}
        ),
        403,
    )
    assert body["code"] == "forbidden"


def test_the_applicant_may_not_decide_their_own(api_as):
    c = f.city("kobe")
    application = f.submitted(c)

    assert_error(
        api_as(c.applicant).post(
            f"/applications/{application.pk}/decisions", {"version": 9, "outcome": "approved"}
        ),
        403,
    )


def test_another_municipalitys_application_is_404(api_as):
    c = f.city("kobe")
    other = f.city("amagasaki", overlays=())
    application = f.submitted(c)

    assert_error(
        api_as(other.approver).post(
            f"/applications/{application.pk}/decisions", {"version": 9, "outcome": "approved"}
        ),
        404,
    )


def test_an_unknown_outcome_or_manager_is_422(api_as):
    c = f.city("kobe")
    application = f.submitted(c)
    url = f"/applications/{application.pk}/decisions"
    version = f.fresh(application).version

    assert_error(api_as(c.security_manager).post(url, {"version": version, "outcome": "maybe"}), 422)
    body = assert_error(
        api_as(c.security_manager).post(
            url, {"version": version, "outcome": "approved", "service_manager": "ghost"}
        ),
        422,
    )
    assert body["details"][0]["field"] == "service_manager"


def test_the_queue_lists_what_the_user_may_decide(api_as):
    c = f.city("kobe")
    high = f.submitted(c)
    f.draft(c, service_name="Box")

    queue = api_as(c.security_manager).get("/approvals").json()
    assert [a["id"] for a in queue["results"]] == [high.pk]
    assert (queue["count"], queue["page"], queue["pages"]) == (1, 1, 1)
    assert queue["results"][0]["track"] == high.judgment.track
    assert api_as(c.security_manager).get("/approvals?page=2").json()["results"] == []
    assert_error(api_as(c.staff).get("/approvals"), 403)
    assert_error(api_as(None).get("/approvals"), 401)
