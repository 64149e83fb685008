"""`manage.py restore PATH`: replace the whole database, and write back the files, of a `manage.py backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.core.backups import BackupError, restore, vendor


class Command(BaseCommand):
    help = (
        "Restore the database (replacing everything in it) and the uploaded files from a backup made by "
        "`manage.py backup`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args: Any, path: Path, interactive: bool, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        if interactive:
            answer = input(f"Replace everything in the {vendor()} database with {path}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            files = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the {vendor()} database and {files} files from {path}")
