"""Private files (evidence, certifications, uploaded ledgers): kept where no URL serves them, under names
the uploader does not choose, and sent only by a view that has checked who asks.

Every app's file fields take their storage and their name from here; its views answer with `attachment`.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def _storage(name: str) -> Storage:
    """STORAGES[name] when the deployment configures it, else var/<name> outside MEDIA_ROOT."""
    if name in settings.STORAGES:
        return storages[name]
    return FileSystemStorage(location=settings.BASE_DIR / "var" / name, base_url=f"/{name}-not-served/")


def evidence_storage() -> Storage:
    """Evidence of applications, lifecycle steps and certifications: STORAGES["evidence"] or var/evidence."""
    return _storage("evidence")


def import_storage() -> Storage:
    """Uploaded ledgers: STORAGES["imports"] or var/imports."""
    return _storage("imports")


def private_name(*folders: object, filename: str) -> str:
    """folder/…/random name with the upload's extension: the uploader's file name never becomes a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return "/".join([*(str(folder) for folder in folders), uuid.uuid4().hex + suffix])


def attachment(file: FieldFile, filename: str | None) -> FileResponse:
    """The kept file as a download under the name it was uploaded with (404 when none is kept); the caller
    has checked who asks."""
    if not file:
        raise Http404
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename)
