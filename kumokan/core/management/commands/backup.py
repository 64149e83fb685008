"""`manage.py backup PATH`: the whole database and every uploaded file, taken while kumokan runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.core.backups import BackupError, backup, vendor


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump custom format) and the "
        "uploaded files to the tar file PATH."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")

    def handle(self, *args: Any, path: Path, force: bool, **options: Any) -> None:
        if path.exists() and not force:
            raise CommandError(f"{path} exists (use --force to overwrite it)")
        if path.exists():
            path.unlink()
        try:
            files = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the {vendor()} database and {files} files to {path} ({path.stat().st_size} bytes)"
        )
