"""`manage.py audit_export [--format csv|json] [--municipality SLUG] [--output PATH]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.audit.chain import as_csv, as_json, export_rows
from kumokan.audit.models import AuditEvent, municipality_model


class Command(BaseCommand):
    help = "Write the audit trail (with each record's chain hashes) as CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--municipality", help="only this municipality's records (its slug)")
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        events = AuditEvent.objects.all()
        if options["municipality"]:
            municipality = municipality_model()._default_manager.filter(slug=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality {options['municipality']!r}")
            events = events.filter(municipality=municipality)
        chunks = (as_csv if options["format"] == "csv" else as_json)(export_rows(events))
        if options["output"]:
            with options["output"].open("w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
