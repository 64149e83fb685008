"""The demo's catalogue: certifications about to expire and expired (with their re-checks), and Kobe's
contractor with one submission awaiting its 情報管理者等 (Kobe §5.3)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kumokan.applications import routing
from kumokan.applications.choices import Status
from kumokan.applications.models import Application
from kumokan.catalog.choices import CertificationStatus
from kumokan.catalog.models import Certification
from kumokan.core.actors import display_name
from kumokan.documents.printed import printed_forms
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.models import Recheck
from kumokan.tenancy.access import own_title
from kumokan.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def test_kobe_s_demo_has_lapsing_certifications_and_a_contractor_submission(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUMOKAN_DEMO_PASSWORD", "demo-pass-123")
    out = StringIO()
    call_command("demo", "kobe", stdout=out)
    today = timezone.localdate()
    soon = Certification.objects.get(registration_number="C22-0031-1")
    assert soon.status == CertificationStatus.VALID and soon.valid_until - today <= datetime.timedelta(
        days=60
    )
    expired = Certification.objects.get(registration_number="IS 612345")
    assert expired.status == CertificationStatus.EXPIRED
    lapsed = Recheck.objects.filter(trigger=RecheckTrigger.CERTIFICATION_LAPSED)
    assert {r.entry.service_name for r in lapsed} == {"Web会議サービス", "健診予約システム"}

    assert "contractor" in out.getvalue()
    submission = Application.objects.get(applicant__username="contractor")
    assert submission.submitted_by_contractor and submission.status == Status.SUBMITTED
    assert Membership.objects.get(user__username="contractor").role == "contractor"
    # A person of the contracted company, the company in their title (issue 17 point 4), printed so.
    contractor = submission.applicant
    assert display_name(contractor) == "佐々木 恵"
    assert own_title(contractor, submission.municipality) == "みまもり保育株式会社 業務責任者"
    assert printed_forms(submission)[0].applicant.title == "みまもり保育株式会社 業務責任者"
    manager = Membership.objects.filter(user__username="manager").first().user
    assert own_title(manager, submission.municipality) == "係長"
    reviewers = routing.approvers(submission, submission.judgment)
    assert "manager" in set(reviewers.values_list("username", flat=True))

    call_command("demo", "kobe", stdout=StringIO())
    assert Certification.objects.filter(registration_number="C22-0031-1").count() == 1
    assert Application.objects.filter(applicant__username="contractor").count() == 1
    assert lapsed.count() == 2


def test_a_city_whose_rules_have_no_contractor_submission_has_no_contractor_login(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUMOKAN_DEMO_PASSWORD", "demo-pass-123")
    call_command("demo", "amagasaki", stdout=StringIO())
    assert not Membership.objects.filter(role="contractor").exists()
    assert Certification.objects.filter(status=CertificationStatus.EXPIRED).exists()
