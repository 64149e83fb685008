"""ISMAP 基本規程 3.5: valid until 1 year 4 months after the day following the audit period's end, and
still valid while a renewal applied for by then awaits its decision."""

from __future__ import annotations

import datetime

import pytest

from kumokan.catalog.choices import CertificationKind, CertificationStatus
from kumokan.catalog.models import Certification
from kumokan.catalog.validity import (
    expires_within,
    in_force_on,
    ismap_registration_status,
    ismap_valid_until,
    status_on,
)

D = datetime.date


@pytest.mark.parametrize(
    ("audit_period_end", "valid_until"),
    [
        # The period starts on the following day (2023-04-01) and ends the day before 2024-08-01.
        (D(2023, 3, 31), D(2024, 7, 31)),
        (D(2022, 9, 30), D(2024, 1, 31)),
        (D(2023, 6, 15), D(2024, 10, 15)),
        # 2023-10-31 → from 2023-11-01 → the day before 2025-03-01.
        (D(2023, 10, 31), D(2025, 2, 28)),
        # From 2022-10-30: February 2024 has no 30th, so the period ends on its last day (民法 第143条②).
        (D(2022, 10, 29), D(2024, 2, 29)),
        (D(2023, 10, 30), D(2025, 2, 28)),
        (D(2023, 12, 31), D(2025, 4, 30)),
    ],
)
def test_a_registration_is_valid_until_sixteen_months_from_the_day_after_its_audit_period(
    audit_period_end: datetime.date, valid_until: datetime.date
) -> None:
    assert ismap_valid_until(audit_period_end) == valid_until


def test_a_registration_is_valid_through_its_last_day_and_expired_the_day_after() -> None:
    end = D(2023, 3, 31)
    assert ismap_registration_status(end, D(2024, 7, 31)) == CertificationStatus.VALID
    assert ismap_registration_status(end, D(2024, 8, 1)) == CertificationStatus.EXPIRED


def test_a_renewal_applied_for_by_the_expiry_keeps_the_registration_valid_until_decided() -> None:
    end = D(2023, 3, 31)
    pending = ismap_registration_status(end, D(2025, 1, 10), renewal_applied_on=D(2024, 7, 31))
    assert pending == CertificationStatus.RENEWAL_PENDING


def test_a_renewal_applied_for_after_the_expiry_does_not_keep_it_valid() -> None:
    end = D(2023, 3, 31)
    late = ismap_registration_status(end, D(2024, 9, 1), renewal_applied_on=D(2024, 8, 1))
    assert late == CertificationStatus.EXPIRED


def test_a_pending_renewal_changes_nothing_while_the_registration_is_still_valid() -> None:
    assert (
        ismap_registration_status(D(2023, 3, 31), D(2024, 5, 1), renewal_applied_on=D(2024, 4, 1)) == "valid"
    )


def _certification(**fields: object) -> Certification:
    return Certification(**fields)


def test_a_withdrawal_stands_whatever_the_dates_say() -> None:
    certification = _certification(
        kind=CertificationKind.ISMAP, audit_period_end=D(2024, 3, 31), withdrawn_on=D(2024, 6, 1)
    )
    assert status_on(certification, D(2024, 5, 31)) == CertificationStatus.VALID
    assert status_on(certification, D(2024, 6, 1)) == CertificationStatus.WITHDRAWN


def test_other_certifications_run_out_on_their_stated_date_and_have_no_pending_renewal() -> None:
    certification = _certification(kind=CertificationKind.ISO27001, valid_until=D(2025, 3, 31))
    assert status_on(certification, D(2025, 3, 31)) == CertificationStatus.VALID
    assert status_on(certification, D(2025, 4, 1)) == CertificationStatus.EXPIRED


def test_a_certification_with_no_end_stays_valid_and_one_not_yet_started_is_not_in_force() -> None:
    certification = _certification(kind=CertificationKind.SOC2, valid_from=D(2025, 1, 1))
    assert status_on(certification, D(2030, 1, 1)) == CertificationStatus.VALID
    assert not in_force_on(certification, D(2024, 12, 31))
    assert in_force_on(certification, D(2025, 1, 1))


def test_expiring_within_counts_days_left_and_ignores_a_registration_awaiting_renewal() -> None:
    iso = _certification(kind=CertificationKind.ISO27001, valid_until=D(2025, 3, 31))
    assert expires_within(iso, D(2025, 3, 1), 30)
    assert not expires_within(iso, D(2025, 2, 28), 30)
    ismap = _certification(
        kind=CertificationKind.ISMAP,
        audit_period_end=D(2023, 3, 31),
        valid_until=D(2024, 7, 31),
        renewal_applied_on=D(2024, 7, 1),
    )
    assert not expires_within(ismap, D(2024, 7, 20), 30)
