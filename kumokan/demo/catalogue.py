"""The demo's certifications (one about to expire, one expired) and, where the pack has contractors submit
the requirement sheet (Kobe §5.3), a contractor login with one submission awaiting its 情報管理者等.

Dates are set from the day the demo is first loaded, so that "expiring soon" stays true for a while;
running the demo again adds nothing. Everything is invented, like the rest of the demo.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.utils import timezone

from kumokan.applications import actions as applications
from kumokan.applications.choices import Answer
from kumokan.applications.models import Application
from kumokan.catalog.actions.certifications import add_certification
from kumokan.catalog.models import Certification, CloudService, Provider
from kumokan.catalog.tasks import check_certifications
from kumokan.core.actors import SYSTEM
from kumokan.policy.pack import Response
from kumokan.tenancy.models import Department, Municipality


def load_certifications(municipality: Municipality, today: datetime.date | None = None) -> None:
    """Record the demo providers' certifications, then run the daily check (re-checks for the lapsing ones)."""
    today = today or timezone.localdate()
    soon = _month_end(today + datetime.timedelta(days=20))  # within the 60 days' notice
    for provider_name, service_name, kind, number, fields in (
        (
            "株式会社ミライ行政システム",
            "電子申請サービス",
            "ISMAP",
            "C21-0005-2",
            {"audit_period_end": _month_end(today, -4)},
        ),
        # About to expire: the Web conference service was approved on it and gets a re-check.
        (
            "株式会社つなぐ通信",
            "Web会議サービス",
            "ISMAP",
            "C22-0031-1",
            {"audit_period_end": _month_end(soon, -16)},
        ),
        # Expired: the health check booking was approved on it and gets a re-check.
        (
            "株式会社ヘルスケアクラウド",
            "",
            "ISO27001",
            "IS 612345",
            {"valid_until": today - datetime.timedelta(days=10)},
        ),
        (
            "株式会社トークワークス",
            "",
            "ISO27001",
            "IS 598765",
            {"valid_until": today + datetime.timedelta(days=700)},
        ),
        (
            "株式会社トークワークス",
            "",
            "ISO27017",
            "CLOUD 701234",
            {"valid_until": today + datetime.timedelta(days=700)},
        ),
        (
            "株式会社オフィスクラウド",
            "庁内グループウェア",
            "ISMAP",
            "C23-0102-1",
            {"audit_period_end": _month_end(today, -2)},
        ),
        (
            "株式会社クラウドボックス",
            "",
            "SOC2",
            "",
            {
                "report_period_start": _month_end(today, -13) + datetime.timedelta(days=1),
                "report_period_end": _month_end(today, -1),
            },
        ),
    ):
        provider = Provider.objects.filter(municipality=municipality, name=provider_name).first()
        if provider is None or Certification.objects.filter(provider=provider, kind=kind).exists():
            continue
        services = (
            list(CloudService.objects.filter(provider=provider, name=service_name)) if service_name else []
        )
        add_certification(
            acting_user=SYSTEM,
            provider=provider,
            kind=kind,
            registration_number=number,
            services=services,
            today=today,
            **fields,
        )
    check_certifications()


def load_contractor_submission(
    municipality: Municipality, department: Department, contractor: Any, high_code: str
) -> None:
    """The contractor's requirement sheet for a service it uses for the city, submitted for confirmation."""
    if Application.objects.filter(municipality=municipality, applicant=contractor).exists():
        return
    application = applications.create_draft(
        acting_user=contractor,
        municipality=municipality,
        department=department,
        facts={
            "service_name": "保育施設見守りカメラ",
            "provider": "株式会社みまもりクラウド",
            "purpose": "指定管理者による公立保育所の見守りカメラ映像の保存と閲覧",
            "service_model": "saas",
            "confidentiality": high_code,
            "handles_personal_info": True,
            "operated_by_contractor": True,
            "certifications": ["ISO27001"],
        },
        business_scope="公立保育所の指定管理業務",
        user_scope_detail="指定管理者の保育士",
    )
    answers = [
        applications.ItemAnswer(
            item["pack"],
            item["id"],
            Answer.ACCEPTED if item["response"] == Response.ACCEPT_OR_MITIGATE else Answer.CONFORMS,
            "利用規約を確認し、業務上受容できると判断した。"
            if item["response"] == Response.ACCEPT_OR_MITIGATE
            else "",
        )
        for item in applications.unanswered_items(application, phase="selection")
    ]
    applications.answer_items(acting_user=contractor, application=application, answers=answers)
    snapshot = application.judgment
    assert snapshot is not None
    for finding in snapshot.findings("block"):
        applications.explain_finding(
            acting_user=contractor,
            application=application,
            pack_id=finding["pack"],
            code=finding["code"],
            explanation="提供者との契約で、インシデントの報告義務と損害賠償を定めている。",
        )
    applications.submit(acting_user=contractor, application=application)


def _month_end(day: datetime.date, months: int = 0) -> datetime.date:
    """The last day of the month `months` after `day`'s."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])
