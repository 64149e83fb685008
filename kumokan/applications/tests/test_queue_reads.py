"""The approval queue is routed on a few columns and the judgment's approver fields, never on the
stored judgment documents (issue 18, target 7: `GET /api/v1/approvals` was the slowest request of the
load test, reading and parsing every queued application's 56 kB judgment again)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kumokan.accounts.testing import device_for
from kumokan.api.actions import issue_api_token
from kumokan.applications.access import awaiting_decision_by, decidable_by
from kumokan.applications.tests import factories as f


def _queries(function: object, *args: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(*args)  # type: ignore[operator]
    return len(captured)


@pytest.mark.django_db
def test_the_queue_reads_the_same_few_queries_however_long_it_is() -> None:
    c = f.city("kobe")
    submitted = [f.submitted(c, service_name=f"サービス{n}") for n in range(2)]
    awaiting_decision_by(c.security_manager)  # the person's memberships, read once and kept
    short = _queries(awaiting_decision_by, c.security_manager)
    submitted += [f.submitted(c, service_name=f"サービス{n}") for n in range(2, 7)]
    assert _queries(awaiting_decision_by, c.security_manager) == short
    queue = awaiting_decision_by(c.security_manager)
    assert [a.pk for a in queue] == [a.pk for a in submitted]
    for application in queue:
        # The flag is read, as a bool, from the query: None would send the routing to the document.
        assert application.queue_snapshot.__dict__["self_approval_flag"] is False
        assert application.queue_snapshot.track_label == application.judgment.judgment["track_label"]


@pytest.mark.django_db
def test_only_who_may_decide_sees_the_queue() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    assert list(decidable_by(c.security_manager)) == [application.pk]
    assert decidable_by(application.applicant) == {}


@pytest.mark.django_db
def test_the_api_queue_pages_the_same_applications() -> None:
    c = f.city("kobe")
    submitted = [f.submitted(c, service_name=f"サービス{n}") for n in range(3)]
    device_for(c.security_manager)
    _token, text = issue_api_token(acting_user=c.security_manager, user=c.security_manager, name="test")
    client = Client(headers={"authorization": f"Bearer {text}"})
    first = client.get("/api/v1/approvals?page_size=2").json()
    assert [row["id"] for row in first["results"]] == [a.pk for a in submitted[:2]]
    assert first["count"] == 3 and all(row["track"] == "high" for row in first["results"])
    second = client.get("/api/v1/approvals?page_size=2&page=2").json()
    assert [row["id"] for row in second["results"]] == [submitted[2].pk]
