"""`manage.py adopt_pack_version CITY [--file PACK.yaml]`: move a municipality to a pack version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.core.actors import SYSTEM
from kumokan.core.packs import available
from kumokan.errors import WorkflowError
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.tenancy.models import Municipality


class Command(BaseCommand):
    help = (
        "Adopt a pack version for a municipality: by default the installed text of each of its packs, "
        "or the pack file given with --file. Each adoption, the first too (compared with the installed "
        "file that was in force), opens a re-check for each service in use whose applicable items "
        "changed, listing exactly those items; judgments use the adopted text from then on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality", help="the municipality's slug, e.g. kobe")
        parser.add_argument(
            "--file", type=Path, help="a pack file (YAML) to adopt instead of the installed ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"no municipality {options['municipality']!r}")
        if options["file"] is not None:
            texts = [self._read(options["file"])]
        else:
            installed = available()
            texts = [
                self._read(installed[pack_id]) for pack_id in municipality.pack_ids() if pack_id in installed
            ]
        for text in texts:
            try:
                version, rechecks = adopt_pack_version(
                    acting_user=SYSTEM, municipality=municipality, text=text
                )
            except WorkflowError as exc:
                self.stdout.write(f"{municipality.slug}: {exc.en}")
                continue
            self.stdout.write(
                f"{municipality.slug}: adopted {version.pack_id} {version.version} ({version.digest}); "
                f"{len(rechecks)} re-check(s) opened"
            )

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
