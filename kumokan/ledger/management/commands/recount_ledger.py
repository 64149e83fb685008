"""`manage.py recount_ledger [CITY] [--check]`: count the ledger again and repair the stored counts."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.ledger.counts import recount
from kumokan.tenancy.models import Municipality

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Count every ledger entry again by municipality, department, status, track and classification, "
        "compare with the stored counts the dashboard reads, and store the fresh numbers where they "
        "differ. With --check, only report the differences (exit status 1 if there are any)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality", nargs="?", help="a municipality's slug (default: all)")
        parser.add_argument("--check", action="store_true", help="report only; repair nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(slug=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality {options['municipality']!r}")
        drift = recount(municipality, repair=not options["check"])
        for (town, department, status, track, code), (stored, counted) in sorted(drift.items()):
            self.stdout.write(
                f"municipality {town} department {department} {status}/{track}/{code}: "
                f"stored {stored}, counted {counted}"
            )
        if not drift:
            self.stdout.write("The stored counts equal the entries.")
        elif options["check"]:
            raise CommandError(f"{len(drift)} stored count(s) differ from the entries")
        else:
            logger.warning("recount_ledger repaired %d stored count(s)", len(drift))
            self.stdout.write(f"Repaired {len(drift)} stored count(s).")
