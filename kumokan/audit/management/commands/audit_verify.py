"""`manage.py audit_verify [--municipality SLUG]`: "OK n records" and how far each chain is vouched for,
or the first record changed or removed (exit 1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.audit.chain import verify_chain
from kumokan.audit.models import municipality_model


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains (one per municipality) from the first record to the last, "
        "against their heads and the signed checkpoints (KUMOKAN_AUDIT_CHECKPOINT_FILE)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", help="only this municipality's chain (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = None
        if options["municipality"]:
            municipality = municipality_model()._default_manager.filter(slug=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality {options['municipality']!r}")
        result = verify_chain(municipality)
        if result.first_break is not None:
            raise CommandError(
                f"BROKEN after {result.count} good records: {result.first_break.describe()}", returncode=1
            )
        self.stdout.write(f"OK {result.count} records")
        for chain in result.chains:
            self.stdout.write(f"  {chain.describe()}")
