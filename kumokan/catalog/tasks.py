"""The daily check of certifications, run by celery beat (settings.CELERY_BEAT_SCHEDULE).

It may also be called directly (`check_certifications()`), which the tests do under controlled time.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from kumokan.catalog.actions.certifications import refresh_certification, report_lapse, unreported_lapses
from kumokan.catalog.choices import CertificationStatus
from kumokan.catalog.models import Certification


@shared_task(name="kumokan.catalog.check_certifications")
def check_certifications() -> dict[str, int]:
    """Update each certification's status from its dates, then open re-checks for every new lapse."""
    today = timezone.localdate()
    updated = sum(
        refresh_certification(certification, today=today)
        for certification in Certification.objects.exclude(status=CertificationStatus.WITHDRAWN).order_by(
            "id"
        )
    )
    rechecks = sum(
        len(report_lapse(certification, today=today)) for certification in unreported_lapses(today)
    )
    return {"updated": updated, "rechecks": rechecks}
