"""Private files (evidence, certifications, uploaded ledgers): kept where no URL serves them, under names
the uploader does not choose, and sent only by a view that has checked who asks.

Every app's private file is a PrivateFileField (its model names the folders: `private_folders`), its
actions store an upload with `keep`, and its views answer with `attachment`.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any, Protocol

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
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


class HasPrivateFiles(Protocol):
    def private_folders(self) -> tuple[object, ...]:
        """The folders this row's private files are kept in (municipality first)."""
        ...


def private_path(instance: HasPrivateFiles, filename: str) -> str:
    """Where a PrivateFileField keeps an upload: the folders its row names, then a random name."""
    return private_name(*instance.private_folders(), filename=filename)


class PrivateFileField(models.FileField):  # type: ignore[type-arg]
    """A model's private file: in the evidence storage unless `storage` says otherwise, at private_path.
    The model defines `private_folders()` and keeps the uploader's file name beside it (see `keep`)."""

    def __init__(
        self,
        verbose_name: Any = None,
        *,
        storage: Any = evidence_storage,
        max_length: int = 300,
        **kwargs: Any,
    ) -> None:
        kwargs["upload_to"] = private_path  # also when a clone passes it back (deconstruct)
        super().__init__(verbose_name, storage=storage, max_length=max_length, **kwargs)

    def deconstruct(self) -> Any:
        # The migrations see a FileField with these arguments: nothing of this class reaches the schema.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs


def keep(file: FieldFile, upload: File[Any], *, default: str) -> str:
    """Store `upload` in the row's private `file` (the caller saves the row) and return the name it is
    downloaded under: the uploader's file name without folders or NUL characters, at most 255
    characters; `default` when there is none."""
    whole = (upload.name or "").replace("\x00", "")
    # The stored name takes the extension of the whole name (the name kept may be cut short).
    file.save(whole or default, upload, save=False)
    return PurePosixPath(whole).name[:255] or default


def attachment(file: FieldFile, filename: str | None) -> FileResponse:
    """The kept file as a download under the name it was uploaded with (404 when none is kept); the caller
    has checked who asks."""
    if not file:
        raise Http404
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename)
