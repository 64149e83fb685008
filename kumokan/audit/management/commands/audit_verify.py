"""`manage.py audit_verify`: "OK n records", or the first record changed or removed (exit 1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kumokan.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain from the first record to the last."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.first_break is not None:
            raise CommandError(
                f"BROKEN after {result.count} good records: {result.first_break.describe()}", returncode=1
            )
        self.stdout.write(f"OK {result.count} records")
