"""What a certification's lapse means for the services approved on it: a re-check of each.

A service relied on a certification when the facts it was approved under (its judgment snapshot) name
the certification's kind, it is a service the certification covers, and it is in operation. A service
still covered by another certification of the same kind in force is not affected.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_noop

from kumokan.catalog.models import Certification
from kumokan.catalog.validity import lapsing, status_on
from kumokan.core.actors import SYSTEM, Actor
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions.rechecks import open_event_recheck
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.rules import snapshot_of
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message


def covers(certification: Certification, entry: LedgerEntry) -> bool:
    """Whether the certification is of the entry's provider and covers its service."""
    if certification.provider_id != entry.service.provider_id:
        return False
    services = {service.pk for service in certification.services.all()}
    return not services or entry.service_id in services


def services_relying_on(certification: Certification, on: datetime.date) -> list[LedgerEntry]:
    """The services in operation approved on this certification and covered by no other of its kind."""
    entries = (
        LedgerEntry.objects.filter(
            municipality_id=certification.provider.municipality_id,
            service__provider_id=certification.provider_id,
            status=EntryStatus.IN_OPERATION,
        )
        .select_related("service", "service_manager", "municipality")
        .order_by("id")
    )
    services = list(certification.services.values_list("pk", flat=True))
    if services:
        entries = entries.filter(service__in=services)
    others = [
        other
        for other in Certification.objects.filter(
            provider_id=certification.provider_id, kind=certification.kind
        )
        .exclude(pk=certification.pk)
        .prefetch_related("services")
        if not lapsing(other, on)
    ]
    return [
        entry
        for entry in entries
        if certification.kind in snapshot_of(entry).facts.get("certifications", [])
        and not any(covers(other, entry) for other in others)
    ]


def certification_lapsed(
    certification: Certification, *, today: datetime.date, acting_user: Actor = SYSTEM
) -> list[Recheck]:
    """Open a re-check on every service that relied on the certification, and tell its service manager.

    Runs inside the caller's transaction, as the receiver of kumokan.catalog.signals.certification_lapsed
    (kumokan.catalog.actions records that the lapse was reported, so that it is reported once).
    """
    rechecks = []
    for entry in services_relying_on(certification, today):
        reason = Message(
            gettext_noop("%(certification)s: %(status)s (valid until %(date)s)."),
            {
                "certification": certification,
                "status": status_on(certification, today).label,
                "date": certification.valid_until.isoformat() if certification.valid_until else "—",
            },
        )
        recheck = open_event_recheck(
            entry, RecheckTrigger.CERTIFICATION_LAPSED, today=today, acting_user=acting_user
        )
        text = Message(
            gettext_noop(
                "The certification %(certification)s that %(service)s was approved on lapses: re-check the service by %(due)s."
            ),
            {"certification": certification, "service": entry, "due": recheck.due_date.isoformat()},
            then=reason,
        )
        notify(
            [entry.service_manager],
            text,
            recheck.get_absolute_url(),
            municipality=entry.municipality,
            verb=Verb.CERTIFICATION,
        )
        rechecks.append(recheck)
    return rechecks


def on_certification_lapsed(
    sender: Any, *, certification: Certification, today: datetime.date, acting_user: Actor, **kwargs: Any
) -> list[Recheck]:
    """Receives kumokan.catalog.signals.certification_lapsed (connected in LifecycleConfig.ready)."""
    return certification_lapsed(certification, today=today, acting_user=acting_user)
