"""When a certification is in force: the ISMAP registration rule and each certification's status on a day.

ISMAP 基本規程 3.5: a registration is valid until 1 year 4 months after the day following the last day
of the audit period it was registered on (登録の対象となった監査の対象期間の末日の翌日から1年4ヶ月後まで),
and stays valid after that while a renewal applied for by then awaits the ISMAP steering committee's
decision. The period is counted as the Civil Code counts periods of months (民法 第143条): it starts on
the day following the audit period's end and ends on the day before the date 1 year 4 months later, so an
audit period ending 2023-03-31 gives a registration valid to 2024-07-31 inclusive. The same rule
applies to ISMAP-LIU registrations.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.conf import settings

from kumokan.catalog.choices import IN_FORCE, ISMAP_KINDS, CertificationStatus

ISMAP_VALIDITY_MONTHS = 16  # 1年4ヶ月


def ismap_valid_until(audit_period_end: datetime.date) -> datetime.date:
    """The last day an ISMAP registration on this audit period is valid without a pending renewal.

    民法 第143条: the period ends the day before the date corresponding to its first day, or on the last
    day of the final month where that month has no such date.
    """
    first_day = audit_period_end + datetime.timedelta(days=1)
    index = first_day.month - 1 + ISMAP_VALIDITY_MONTHS
    year, month = first_day.year + index // 12, index % 12 + 1
    last_of_month = calendar.monthrange(year, month)[1]
    if first_day.day > last_of_month:
        return datetime.date(year, month, last_of_month)
    return datetime.date(year, month, first_day.day) - datetime.timedelta(days=1)


def ismap_registration_status(
    audit_period_end: datetime.date,
    on: datetime.date,
    *,
    renewal_applied_on: datetime.date | None = None,
) -> CertificationStatus:
    """The status on `on` of a registration on this audit period (ISMAP 基本規程 3.5).

    Valid through ismap_valid_until; after it, still in force (RENEWAL_PENDING) if a renewal was applied
    for by that day (a renewal still awaiting its decision: once decided, the registration has a new audit
    period or is withdrawn); otherwise expired.
    """
    return _status(ismap_valid_until(audit_period_end), on, renewal_applied_on)


def status_on(certification: Any, on: datetime.date) -> CertificationStatus:
    """A certification's status on a day, from its dates (a withdrawal stands whatever the dates say)."""
    if certification.withdrawn_on is not None and certification.withdrawn_on <= on:
        return CertificationStatus.WITHDRAWN
    if certification.kind not in ISMAP_KINDS:
        return _status(certification.valid_until, on, None)
    if certification.audit_period_end is not None:
        return ismap_registration_status(
            certification.audit_period_end, on, renewal_applied_on=certification.renewal_applied_on
        )
    # A registration entered with its expiry date alone (the list's 有効期限, no audit period).
    return _status(certification.valid_until, on, certification.renewal_applied_on)


def in_force_on(certification: Any, on: datetime.date) -> bool:
    """Whether an application may rely on the certification on this day."""
    if certification.valid_from is not None and on < certification.valid_from:
        return False
    return status_on(certification, on) in IN_FORCE


def expires_within(certification: Any, on: datetime.date, days: int) -> bool:
    """Whether a certification valid on `on` runs out within `days` days with no renewal pending."""
    if status_on(certification, on) != CertificationStatus.VALID or certification.valid_until is None:
        return False
    if certification.kind in ISMAP_KINDS and certification.renewal_applied_on is not None:
        return False
    return (certification.valid_until - on).days <= days


def lapsing(certification: Any, on: datetime.date) -> bool:
    """Withdrawn, expired, or valid for no more than the warning days (settings) with no renewal pending:
    the services approved on it are re-checked (kumokan.lifecycle.lapses)."""
    status = status_on(certification, on)
    if status not in IN_FORCE:
        return True
    return expires_within(certification, on, settings.CERTIFICATION_EXPIRY_NOTICE_DAYS)


def _status(
    valid_until: datetime.date | None, on: datetime.date, renewal_applied_on: datetime.date | None
) -> CertificationStatus:
    if valid_until is None or on <= valid_until:
        return CertificationStatus.VALID
    if renewal_applied_on is not None and renewal_applied_on <= valid_until:
        return CertificationStatus.RENEWAL_PENDING
    return CertificationStatus.EXPIRED
