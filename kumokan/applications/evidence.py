"""Where evidence files are kept: a private storage that no URL serves (files go out through a view)."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


def evidence_storage() -> Storage:
    """STORAGES["evidence"] when the deployment configures it, else var/evidence outside MEDIA_ROOT."""
    if "evidence" in settings.STORAGES:
        return storages["evidence"]
    return FileSystemStorage(
        location=settings.BASE_DIR / "var" / "evidence", base_url="/evidence-not-served/"
    )


def evidence_path(answer: Any, filename: str) -> str:
    """municipality/application/random name: the uploader's file name never becomes a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{answer.application.municipality.slug}/{answer.application_id}/{uuid.uuid4().hex}{suffix}"
