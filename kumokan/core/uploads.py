"""What an uploaded file is, judged by its content rather than its name, and the name it may keep.

Evidence (applications, lifecycle steps) must be a document or a picture that a city office opens
every day; the extension must agree with the bytes (a renamed .exe or .html is refused), Office
files must really be Office packages without macros, and text must be text. Files are stored under
random names outside MEDIA_ROOT and go out only through views that check who asks.
"""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import PurePath
from typing import IO, Any

import puremagic
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 8192

# extension -> what the content must be
MAGIC = {
    ".pdf": {".pdf"},
    ".png": {".png"},
    ".jpg": {".jpg", ".jpeg", ".jfif"},
    ".jpeg": {".jpg", ".jpeg", ".jfif"},
    ".gif": {".gif"},
    ".webp": {".webp"},
}
OOXML = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
OLE = {".doc", ".xls", ".ppt"}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT = {".txt", ".csv"}
EVIDENCE_EXTENSIONS = frozenset(MAGIC) | frozenset(OOXML) | OLE | TEXT


def check_upload(upload: Any, *, max_bytes: int = MAX_EVIDENCE_BYTES) -> None:
    """Raise ValidationError unless `upload` is an allowed kind of file whose content matches its name."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (at most %(limit)s MB).") % {"limit": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in EVIDENCE_EXTENSIONS:
        raise ValidationError(
            _("Files of this kind cannot be attached. Use PDF, an image, an Office document or text."),
            code="extension",
        )
    if not _content_matches(upload, extension):
        raise ValidationError(
            _("The file's content does not match its name (%(ext)s).") % {"ext": extension}, code="content"
        )


def safe_name(name: str, *, limit: int = 120) -> str:
    """The uploader's file name without folders, control characters or characters that break headers."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(
        ch
        for ch in unicodedata.normalize("NFC", base)
        if unicodedata.category(ch)[0] != "C" and ch not in '"/\\:*?<>|;'
    ).strip(" .")
    if not cleaned:
        return "file"
    stem, suffix = PurePath(cleaned).stem, PurePath(cleaned).suffix[:10]
    return stem[: max(1, limit - len(suffix))] + suffix


def _content_matches(upload: Any, extension: str) -> bool:
    handle: IO[bytes] = upload.file if hasattr(upload, "file") else upload
    start = handle.tell() if hasattr(handle, "tell") else 0
    try:
        head = handle.read(SNIFF_BYTES)
        if extension in TEXT:
            return _is_text(head)
        if extension in OLE:
            return head.startswith(OLE_SIGNATURE)
        if extension in OOXML:
            handle.seek(start)
            return _is_office_package(handle, OOXML[extension])
        return bool(MAGIC[extension] & _detected(head))
    finally:
        handle.seek(start)


def _detected(head: bytes) -> set[str]:
    try:
        return {match.extension.lower() for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        return set()


def _is_office_package(handle: IO[bytes], folder: str) -> bool:
    try:
        with zipfile.ZipFile(handle) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    has_parts = "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    # Macros are refused: an .xlsx/.docx/.pptx never carries them, a renamed .xlsm does.
    return has_parts and not any(n.lower().endswith("vbaproject.bin") for n in names)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            # A multi-byte character may be cut at the end of the sample.
            head.decode(encoding) if len(head) < SNIFF_BYTES else head[:-4].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


class EvidenceFileField(forms.FileField):
    """A form's file field for evidence: size, kind and content are checked before any action sees it,
    and the name kept for the download is made safe."""

    default_validators = [check_upload]

    def to_python(self, data: Any) -> Any:
        upload = super().to_python(data)
        if upload is not None:
            upload.name = safe_name(upload.name)
        return upload
