"""Signed checkpoints of the audit chains' heads, appended to a file the database cannot change.

Each line is one chain's head at one moment (its length, last record and that record's hash), signed
with the audit key. `audit_verify` checks every chain against every checkpoint: a record rewritten or
removed up to a checkpoint is found even by someone who had the key later, and a chain cut short at
its end (its head put back to an earlier record) is found once a checkpoint covered the records cut.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from kumokan.audit.models import AuditChainHead

logger = logging.getLogger("kumokan.audit.checkpoint")
FIELDS = ("at", "municipality_id", "length", "last_event_id", "last_hash")


class CheckpointError(Exception):
    pass


@dataclass(frozen=True)
class Checkpoint:
    line: int
    at: str
    municipality_id: int | None
    length: int
    last_event_id: int
    last_hash: str


def checkpoint_file() -> Path | None:
    return Path(settings.AUDIT_CHECKPOINT_FILE) if settings.AUDIT_CHECKPOINT_FILE else None


def _signature(fields: dict[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    # A key of its own for checkpoints: no record hash can be passed off as a checkpoint's signature.
    key = hmac.new(settings.AUDIT_KEY, b"kumokan audit checkpoint", hashlib.sha256).digest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def write_checkpoints() -> int:
    """Append every non-empty chain's head, signed, to the checkpoint file (and the log); how many."""
    path = checkpoint_file()
    if path is None:
        raise CheckpointError("no checkpoint file is configured (KUMOKAN_AUDIT_CHECKPOINT_FILE)")
    at = timezone.now().isoformat()
    lines = []
    # One query: every head as committed at one moment.
    for head in AuditChainHead.objects.filter(length__gt=0).order_by("id"):
        fields = {
            "at": at,
            "municipality_id": head.municipality_id,
            "length": head.length,
            "last_event_id": head.last_event_id,
            "last_hash": head.last_hash,
        }
        lines.append(json.dumps({**fields, "signature": _signature(fields)}, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(descriptor, "a", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in lines)
        out.flush()
        os.fsync(out.fileno())
    for line in lines:
        logger.info("audit checkpoint %s", line)  # to syslog too, where LOGGING sends it there
    return len(lines)


def read_checkpoints() -> tuple[list[Checkpoint], list[int]]:
    """The checkpoints in the file, oldest first, and the numbers of the lines whose signature is wrong."""
    path = checkpoint_file()
    if path is None or not path.exists():
        return [], []
    checkpoints, bad = [], []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                fields = {name: data[name] for name in FIELDS}
                good = hmac.compare_digest(str(data["signature"]), _signature(fields))
            except (ValueError, KeyError, TypeError):
                good = False
            if not good:
                bad.append(number)
                continue
            checkpoints.append(Checkpoint(number, **fields))
    return checkpoints, bad
