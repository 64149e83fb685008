"""Many ledger entries for the list's tests: one approved through the actions, the rest copies of it."""

from __future__ import annotations

from typing import Any

from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f
from kumokan.ledger.counts import recount
from kumokan.ledger.models import LedgerEntry


def copies(entry: LedgerEntry, names: list[str], **fields: Any) -> list[LedgerEntry]:
    """Entries like `entry` (each with its own application row) named `names`, with `fields` changed."""
    made = []
    for name in names:
        application = Application.objects.get(pk=entry.application_id)
        application.pk = None
        application.save()
        copy = LedgerEntry.objects.get(pk=entry.pk)
        copy.pk = None
        copy.application = application
        copy.service_name = name
        for key, value in fields.items():
            setattr(copy, key, value)
        copy.save()
        made.append(copy)
    # Written beside the ledger's actions, which keep the stored counts: repaired as after any such write.
    recount()
    return made


def ledger_of(city: f.City, count: int) -> list[LedgerEntry]:
    first = f.entry(city)
    return [first, *copies(first, [f"サービス{n:03d}" for n in range(1, count)])]
