"""`manage.py audit_checkpoint`: append every audit chain's head, signed, to the checkpoint file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kumokan.audit.checkpoints import CheckpointError, checkpoint_file, write_checkpoints


class Command(BaseCommand):
    help = "Append a signed checkpoint of every audit chain's head to KUMOKAN_AUDIT_CHECKPOINT_FILE."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = write_checkpoints()
        except (CheckpointError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{written} chain heads written to {checkpoint_file()}")
