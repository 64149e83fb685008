"""Background jobs on the Celery queue; celery beat runs `scan_due_dates` every morning.

Each task may also be called directly (`scan_due_dates()`), which the tests do under controlled time.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions.rechecks import escalate_recheck, remind_recheck
from kumokan.lifecycle.choices import RecheckStatus
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.schedule import schedule_periodic_rechecks, settings_for
from kumokan.tenancy.models import Municipality


@shared_task(name="kumokan.lifecycle.schedule_rechecks")
def schedule_rechecks() -> int:
    """Open the next periodic re-check of every service in operation that has none open."""
    today = timezone.localdate()
    created = 0
    for pk in LedgerEntry.objects.filter(status=EntryStatus.IN_OPERATION).values_list("pk", flat=True):
        with transaction.atomic():
            entry = LedgerEntry.objects.select_for_update().get(pk=pk)
            created += len(schedule_periodic_rechecks(entry, today=today))
    return created


@shared_task(name="kumokan.lifecycle.send_reminders")
def send_reminders() -> int:
    """Remind service managers of re-checks falling due within their municipality's reminder days."""
    today = timezone.localdate()
    sent = 0
    for municipality in Municipality.objects.all():
        horizon = today + datetime.timedelta(days=settings_for(municipality).reminder_days)
        due = Recheck.objects.filter(
            entry__municipality=municipality,
            status=RecheckStatus.OPEN,
            reminded_at__isnull=True,
            due_date__gte=today,
            due_date__lte=horizon,
        )
        sent += sum(remind_recheck(recheck, today=today) for recheck in due.order_by("due_date", "id"))
    return sent


@shared_task(name="kumokan.lifecycle.escalate_overdue")
def escalate_overdue() -> int:
    """Escalate re-checks past their due date to the approver of the service's track and the chief."""
    today = timezone.localdate()
    overdue = Recheck.objects.filter(status=RecheckStatus.OPEN, escalated_at__isnull=True, due_date__lt=today)
    return sum(escalate_recheck(recheck, today=today) for recheck in overdue.order_by("due_date", "id"))


@shared_task(name="kumokan.lifecycle.scan_due_dates")
def scan_due_dates() -> dict[str, int]:
    """The daily run: schedule, then remind, then escalate."""
    return {
        "scheduled": schedule_rechecks(),
        "reminded": send_reminders(),
        "escalated": escalate_overdue(),
    }
