"""Recording a provider's certifications: what each kind holds, renewal, withdrawal, refusals and audit rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.catalog.actions.certifications import (
    add_certification,
    apply_for_renewal,
    edit_certification,
    withdraw_certification,
)
from kumokan.catalog.choices import CertificationStatus
from kumokan.catalog.models import Certification
from kumokan.catalog.tests import factories as cf
from kumokan.errors import ConflictError, WorkflowError

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2024, 5, 1)


@pytest.fixture
def kobe() -> f.City:
    return f.city("kobe")


def add(c: f.City, **fields: object) -> Certification:
    fields.setdefault("provider", cf.provider(c.municipality))
    fields.setdefault("acting_user", c.security_manager)
    fields.setdefault("today", TODAY)
    return add_certification(**fields)


def test_an_ismap_registration_takes_its_validity_from_the_audit_period(kobe: f.City) -> None:
    service = cf.service(kobe.municipality, "電子申請サービス")
    certification = add(
        kobe,
        kind="ISMAP",
        registration_number="Ｃ２１－０００５－２",
        audit_period_end=D(2023, 3, 31),
        services=[service],
    )
    assert certification.registration_number == "C21-0005-2"
    assert certification.valid_until == D(2024, 7, 31)
    assert certification.status == CertificationStatus.VALID
    event = AuditEvent.objects.get(action=Action.CERTIFICATION_ADD)
    assert event.actor == kobe.security_manager
    assert event.after["valid_until"] == "2024-07-31" and event.after["services"] == [service.pk]


def test_a_certification_already_out_of_date_is_recorded_as_expired(kobe: f.City) -> None:
    assert add(kobe, kind="ISO27001", valid_until=D(2024, 3, 31)).status == CertificationStatus.EXPIRED


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "ISO27001", "audit_period_end": D(2023, 3, 31)}, "audit_period_not_ismap"),
        ({"kind": "ISMAP", "report_period_end": D(2023, 3, 31)}, "report_period"),
        (
            {"kind": "SOC2", "report_period_start": D(2023, 4, 1), "report_period_end": D(2023, 3, 31)},
            "period",
        ),
        (
            {"kind": "ISMAP", "audit_period_end": D(2023, 3, 31), "valid_until": D(2024, 8, 1)},
            "valid_until_by_rule",
        ),
        ({"kind": "Privacy Mark"}, "kind"),
    ],
)
def test_fields_that_do_not_fit_the_kind_are_refused(kobe: f.City, fields: dict, code: str) -> None:
    with pytest.raises(WorkflowError) as raised:
        add(kobe, **fields)
    assert raised.value.code == code
    assert not Certification.objects.exists()


def test_a_service_of_another_provider_is_refused(kobe: f.City) -> None:
    other = cf.service(kobe.municipality, "会議", provider_name="会議システム株式会社")
    with pytest.raises(WorkflowError, match="株式会社クラウド自治のサービスではありません"):
        add(kobe, kind="ISMAP", audit_period_end=D(2023, 3, 31), services=[other])


def test_the_same_number_twice_is_refused(kobe: f.City) -> None:
    add(kobe, kind="ISMAP", registration_number="C21-0005-2", audit_period_end=D(2023, 3, 31))
    with pytest.raises(WorkflowError) as raised:
        add(kobe, kind="ISMAP", registration_number="C21-0005-2", audit_period_end=D(2023, 3, 31))
    assert raised.value.code == "duplicate"


def test_only_those_who_keep_the_catalogue_record_certifications(kobe: f.City) -> None:
    with pytest.raises(PermissionDenied):
        add(kobe, kind="ISO27001", acting_user=kobe.applicant)
    osaka = f.city("osaka", overlays=())
    with pytest.raises(PermissionDenied):
        add(kobe, kind="ISO27001", acting_user=osaka.security_manager)


def test_an_edit_records_only_what_changed_and_refuses_a_stale_version(kobe: f.City) -> None:
    certification = add(kobe, kind="ISO27001", valid_until=D(2025, 3, 31))
    changed = edit_certification(
        acting_user=kobe.security_manager,
        certification=certification,
        changes={"valid_until": D(2028, 3, 31), "notes": "更新審査を受けた"},
        expected_version=1,
        today=TODAY,
    )
    assert changed.version == 2
    event = AuditEvent.objects.get(action=Action.CERTIFICATION_EDIT)
    assert event.before == {"valid_until": "2025-03-31", "notes": ""}
    assert event.after == {"valid_until": "2028-03-31", "notes": "更新審査を受けた"}
    with pytest.raises(ConflictError):
        edit_certification(
            acting_user=kobe.security_manager,
            certification=certification,
            changes={"notes": "x"},
            expected_version=1,
        )
    with pytest.raises(WorkflowError) as raised:
        edit_certification(
            acting_user=kobe.security_manager,
            certification=certification,
            changes={"notes": "更新審査を受けた"},
        )
    assert raised.value.code == "unchanged"


def test_an_edit_on_a_stale_version_is_refused_through_check_version(kobe: f.City) -> None:
    certification = add(kobe, kind="ISO27001", valid_until=D(2025, 3, 31))
    edit_certification(
        acting_user=kobe.security_manager,
        certification=certification,
        changes={"notes": "更新審査を受けた"},
        expected_version=1,
    )
    with pytest.raises(ConflictError) as raised:
        edit_certification(
            acting_user=kobe.security_manager,
            certification=certification,
            changes={"notes": "x"},
            expected_version=1,
        )
    assert raised.value.code == "stale_version"
    assert (
        raised.value.ja
        == "この認証は他の人が先に更新しました（版 1 → 2）。画面を更新して内容を確認してください。"
    )
    assert raised.value.en == "the certification was changed by someone else (version 1 → 2); reload"
    assert Certification.objects.get(pk=certification.pk).notes == "更新審査を受けた"


def test_an_edit_on_a_version_that_never_was_is_refused_as_unknown(kobe: f.City) -> None:
    certification = add(kobe, kind="ISO27001", valid_until=D(2025, 3, 31))
    with pytest.raises(ConflictError) as raised:
        edit_certification(
            acting_user=kobe.security_manager,
            certification=certification,
            changes={"notes": "x"},
            expected_version=7,
        )
    assert raised.value.code == "unknown_version"
    assert raised.value.ja == "この認証に版 7 はありません（現在の版は 1）。読み込んだ版を送ってください。"
    assert "has no version 7" in raised.value.en
    assert Certification.objects.get(pk=certification.pk).notes == ""
    assert not AuditEvent.objects.filter(action=Action.CERTIFICATION_EDIT).exists()


def test_a_new_audit_period_settles_the_pending_renewal(kobe: f.City) -> None:
    certification = add(kobe, kind="ISMAP", audit_period_end=D(2023, 3, 31))
    apply_for_renewal(
        acting_user=kobe.security_manager, certification=certification, applied_on=D(2024, 4, 1), today=TODAY
    )
    renewed = edit_certification(
        acting_user=kobe.security_manager,
        certification=certification,
        changes={"audit_period_end": D(2024, 3, 31)},
        today=TODAY,
    )
    assert renewed.renewal_applied_on is None and renewed.valid_until == D(2025, 7, 31)
    assert AuditEvent.objects.filter(action=Action.CERTIFICATION_RENEWAL).count() == 1


def test_a_renewal_is_only_for_ismap_and_only_by_the_expiry(kobe: f.City) -> None:
    iso = add(kobe, kind="ISO27001", valid_until=D(2025, 3, 31))
    with pytest.raises(WorkflowError) as raised:
        apply_for_renewal(acting_user=kobe.security_manager, certification=iso, applied_on=TODAY, today=TODAY)
    assert raised.value.code == "not_ismap"
    ismap = add(kobe, kind="ISMAP", audit_period_end=D(2022, 3, 31))  # valid to 2023-07-31
    with pytest.raises(WorkflowError) as raised:
        apply_for_renewal(
            acting_user=kobe.security_manager, certification=ismap, applied_on=D(2023, 8, 1), today=TODAY
        )
    assert raised.value.code == "renewal_too_late"


def test_a_withdrawal_needs_a_reason_and_happens_once(kobe: f.City) -> None:
    certification = add(kobe, kind="CS-Mark", valid_until=D(2026, 3, 31))
    with pytest.raises(WorkflowError):
        withdraw_certification(
            acting_user=kobe.security_manager,
            certification=certification,
            withdrawn_on=TODAY,
            reason=" ",
            today=TODAY,
        )
    withdraw_certification(
        acting_user=kobe.security_manager,
        certification=certification,
        withdrawn_on=TODAY,
        reason="監査で重大な不備",
        today=TODAY,
    )
    assert AuditEvent.objects.get(action=Action.CERTIFICATION_WITHDRAW).after["reason"] == "監査で重大な不備"
    with pytest.raises(WorkflowError):
        withdraw_certification(
            acting_user=kobe.security_manager,
            certification=certification,
            withdrawn_on=TODAY,
            reason="再度",
            today=TODAY,
        )
