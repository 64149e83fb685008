"""`manage.py recount_ledger [CITY] [--check]`: count the ledger again and repair the stored counts."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.ledger.counts import recount
from kumokan.ledger.signals import entry_copies_checked
from kumokan.tenancy.models import Municipality

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Count every ledger entry again by municipality, department, status, track and classification, "
        "compare with the stored counts the dashboard reads, and store the fresh numbers where they "
        "differ; check the copies of each entry's municipality and status kept on its checklist tasks and "
        "re-checks, and set them again where they differ. With --check, only report the differences (exit "
        "status 1 if there are any)."
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
        copies: dict[str, int] = {}
        for _receiver, found in entry_copies_checked.send(
            sender=None, municipality=municipality, repair=not options["check"]
        ):
            copies |= found
        for what, rows in sorted(copies.items()):
            self.stdout.write(
                f"{what}: {rows} row(s) whose copy of their entry's status or municipality differs"
            )
        if not drift and not copies:
            self.stdout.write("The stored counts and copies equal the entries.")
        elif options["check"]:
            raise CommandError(
                f"{len(drift)} stored count(s) and {sum(copies.values())} stored copies differ from the entries"
            )
        else:
            logger.warning(
                "recount_ledger repaired %d stored count(s) and %d copies", len(drift), sum(copies.values())
            )
            self.stdout.write(f"Repaired {len(drift)} stored count(s) and {sum(copies.values())} copies.")
