"""The audit checkpoint, run by celery beat every 15 minutes (settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from kumokan.audit.checkpoints import checkpoint_file, write_checkpoints


@shared_task(name="kumokan.audit.write_checkpoints")
def checkpoint_chains() -> int:
    """Append every chain's head to the checkpoint file; nothing when none is configured."""
    return write_checkpoints() if checkpoint_file() is not None else 0
