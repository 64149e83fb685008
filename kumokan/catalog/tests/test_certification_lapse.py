"""A certification that runs out or is withdrawn opens a re-check of exactly the services that relied on it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import override_settings

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.catalog.actions.certifications import (
    apply_for_renewal,
    edit_certification,
    withdraw_certification,
)
from kumokan.catalog.choices import CertificationStatus
from kumokan.catalog.models import CloudService
from kumokan.catalog.tasks import check_certifications
from kumokan.catalog.tests import factories as cf
from kumokan.core.actors import SYSTEM
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tests.factories import OSAKA_APPROVER, city, entry, in_operation, member
from kumokan.notifications.models import Notification
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db

TOKYO = datetime.timezone(datetime.timedelta(hours=9))
START = datetime.datetime(2024, 1, 10, 9, 0, tzinfo=TOKYO)
# Audit period to 2023-03-31: the registration is valid to 2024-07-31 (ISMAP 基本規程 3.5).
AUDIT_END = datetime.date(2023, 3, 31)
VALID_UNTIL = datetime.date(2024, 7, 31)


def at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=TOKYO), tick=False)


def lapse_rechecks() -> dict[int, Recheck]:
    return {r.entry_id: r for r in Recheck.objects.filter(trigger=RecheckTrigger.CERTIFICATION_LAPSED)}


@pytest.fixture
def kobe() -> dict[str, object]:
    """Services of one provider in Kobe, some approved on its ISMAP registration and some not."""
    with time_machine.travel(START, tick=False):
        c = city("kobe")
        other_applicant = member(c.municipality, Role.APPLICANT, c.other_department)
        relied = in_operation(c)  # 電子申請サービス, approved on ISMAP
        relied_elsewhere = in_operation(c, applicant=other_applicant, department=c.other_department)
        iso_only = in_operation(
            c, service_name="電子申請サービス", certifications=["ISO27001"], purpose="別業務での利用"
        )
        other_service = in_operation(c, service_name="文書管理サービス")
        not_started = entry(c, service_name="電子申請サービス", purpose="試行利用")
        registration = cf.ismap(
            c.municipality,
            audit_period_end=AUDIT_END,
            services=(CloudService.objects.get(name="電子申請サービス"),),
        )
    return {
        "city": c,
        "relied": relied,
        "relied_elsewhere": relied_elsewhere,
        "iso_only": iso_only,
        "other_service": other_service,
        "not_started": not_started,
        "registration": registration,
    }


@override_settings(CERTIFICATION_EXPIRY_NOTICE_DAYS=60)
def test_a_registration_about_to_expire_opens_rechecks_of_the_services_approved_on_it_only(
    kobe: dict,
) -> None:
    with at(VALID_UNTIL - datetime.timedelta(days=61)):
        assert check_certifications()["rechecks"] == 0
    with at(VALID_UNTIL - datetime.timedelta(days=60)):
        assert check_certifications()["rechecks"] == 2
    rechecks = lapse_rechecks()
    assert set(rechecks) == {kobe["relied"].pk, kobe["relied_elsewhere"].pk}
    recheck = rechecks[kobe["relied"].pk]
    assert recheck.due_date == VALID_UNTIL - datetime.timedelta(days=60) + datetime.timedelta(days=14)
    assert Notification.objects.filter(
        user=kobe["relied"].service_manager, url=recheck.get_absolute_url()
    ).exists()
    lapse = AuditEvent.objects.get(action=Action.CERTIFICATION_LAPSE)
    assert sorted(lapse.after["entries"]) == sorted([kobe["relied"].pk, kobe["relied_elsewhere"].pk])


@override_settings(CERTIFICATION_EXPIRY_NOTICE_DAYS=60)
def test_a_lapse_opens_its_rechecks_once_however_often_the_check_runs(kobe: dict) -> None:
    for day in (
        VALID_UNTIL - datetime.timedelta(days=30),
        VALID_UNTIL,
        VALID_UNTIL + datetime.timedelta(days=1),
    ):
        with at(day):
            check_certifications()
    assert Recheck.objects.filter(trigger=RecheckTrigger.CERTIFICATION_LAPSED).count() == 2
    kobe["registration"].refresh_from_db()
    assert kobe["registration"].status == CertificationStatus.EXPIRED


@override_settings(CERTIFICATION_EXPIRY_NOTICE_DAYS=60)
def test_a_renewal_applied_for_in_time_keeps_the_services_out_of_recheck(kobe: dict) -> None:
    with at(VALID_UNTIL - datetime.timedelta(days=90)):
        apply_for_renewal(
            acting_user=SYSTEM,
            certification=kobe["registration"],
            applied_on=VALID_UNTIL - datetime.timedelta(days=90),
        )
    with at(VALID_UNTIL + datetime.timedelta(days=30)):
        assert check_certifications() == {"updated": 1, "rechecks": 0}
    kobe["registration"].refresh_from_db()
    assert kobe["registration"].status == CertificationStatus.RENEWAL_PENDING
    assert not lapse_rechecks()


def test_a_withdrawal_opens_the_rechecks_at_once(kobe: dict) -> None:
    with at(datetime.date(2024, 2, 1)):
        withdraw_certification(
            acting_user=SYSTEM,
            certification=kobe["registration"],
            withdrawn_on=datetime.date(2024, 2, 1),
            reason="ISMAP 運営委員会による登録の取消し",
        )
    assert set(lapse_rechecks()) == {kobe["relied"].pk, kobe["relied_elsewhere"].pk}


@override_settings(CERTIFICATION_EXPIRY_NOTICE_DAYS=60)
def test_a_service_still_covered_by_another_registration_of_the_same_kind_is_not_rechecked(
    kobe: dict,
) -> None:
    with at(datetime.date(2024, 5, 1)):
        cf.ismap(
            kobe["city"].municipality,
            number="C24-0100-1",
            audit_period_end=datetime.date(2024, 3, 31),
            services=(CloudService.objects.get(name="電子申請サービス"),),
        )
    with at(VALID_UNTIL - datetime.timedelta(days=10)):
        check_certifications()
    assert not lapse_rechecks()


@override_settings(CERTIFICATION_EXPIRY_NOTICE_DAYS=60)
def test_a_registration_renewed_after_its_lapse_is_reported_again_at_its_next_lapse(kobe: dict) -> None:
    with at(VALID_UNTIL - datetime.timedelta(days=20)):
        check_certifications()
        renewed = edit_certification(
            acting_user=SYSTEM,
            certification=kobe["registration"],
            changes={"audit_period_end": datetime.date(2024, 3, 31)},
        )
    assert renewed.valid_until == datetime.date(2025, 7, 31)
    assert renewed.lapse_reported_at is None
    with at(datetime.date(2025, 7, 1)):
        check_certifications()
    assert Recheck.objects.filter(trigger=RecheckTrigger.CERTIFICATION_LAPSED).count() == 4


def test_a_retired_or_not_yet_operating_service_is_not_rechecked(kobe: dict) -> None:
    with at(datetime.date(2024, 2, 1)):
        withdraw_certification(
            acting_user=SYSTEM,
            certification=kobe["registration"],
            withdrawn_on=datetime.date(2024, 2, 1),
            reason="取消し",
        )
    assert kobe["not_started"].pk not in lapse_rechecks()
    assert LedgerEntry.objects.get(pk=kobe["not_started"].pk).status == "approved"


def test_the_daily_check_is_a_celery_task_that_beat_runs_every_morning() -> None:
    from django.conf import settings

    from kumokan.config.celery import app

    app.loader.import_default_modules()
    assert "kumokan.catalog.check_certifications" in app.tasks
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "kumokan.catalog.check_certifications" in scheduled


def test_the_service_manager_opens_the_recheck_of_a_withdrawn_certification(kobe: dict) -> None:
    from django.test import Client

    with at(datetime.date(2024, 2, 1)):
        withdraw_certification(
            acting_user=SYSTEM,
            certification=kobe["registration"],
            withdrawn_on=datetime.date(2024, 2, 1),
            reason="取消し",
        )
    recheck = lapse_rechecks()[kobe["relied"].pk]
    client = Client()
    client.force_login(kobe["relied"].service_manager)
    page = client.get(recheck.get_absolute_url())
    assert page.status_code == 200
    assert "認証の失効" in page.content.decode()


def test_the_same_provider_s_services_in_another_city_are_not_rechecked(kobe: dict) -> None:
    with time_machine.travel(START, tick=False):
        osaka = city("osaka", overlays=(), approver=OSAKA_APPROVER)
        elsewhere = in_operation(osaka, manager=osaka.head)
    with at(datetime.date(2024, 2, 1)):
        withdraw_certification(
            acting_user=SYSTEM,
            certification=kobe["registration"],
            withdrawn_on=datetime.date(2024, 2, 1),
            reason="取消し",
        )
    assert elsewhere.pk not in lapse_rechecks()
    assert len(lapse_rechecks()) == 2
