"""`manage.py backup` and `manage.py restore`: a round trip gives back the same ledger, record for record,
and the same evidence files, byte for byte."""

from __future__ import annotations

import io
import os
import sqlite3
import stat
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import Client
from django.utils.module_loading import import_string

from kumokan.applications.models import ChecklistAnswer
from kumokan.applications.tests import factories as f
from kumokan.core.backups import FILE_STORAGES
from kumokan.documents.ledger_export import export_rows
from kumokan.documents.ledger_table import columns_for
from kumokan.ledger.models import LedgerEntry


def exported(city: f.City) -> list[list[Any]]:
    entries = LedgerEntry.objects.filter(municipality=city.municipality).order_by("id")
    return list(export_rows(entries, columns_for(city.municipality)))


def verify_trail() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().strip()


def test_a_restored_backup_exports_the_same_ledger(transactional_db: Any, tmp_path: Path) -> None:
    city = f.city("kobe")
    f.entry(city)
    f.entry(city, service_name="電子申請サービス")
    before = exported(city)
    trail_before = verify_trail()
    backup = tmp_path / "kumokan.backup"

    call_command("backup", str(backup), stdout=io.StringIO())
    f.entry(city, service_name="後から登録したサービス")
    assert exported(city) != before
    call_command("restore", str(backup), "--noinput", stdout=io.StringIO())

    assert exported(city) == before
    assert len(before) == 3  # the header and two entries
    assert verify_trail() == trail_before


def test_restore_refuses_a_file_that_is_not_a_backup(transactional_db: Any, tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 10)

    with pytest.raises(CommandError, match="not a"):
        call_command("restore", str(junk), "--noinput")


def test_backup_does_not_overwrite_a_file_unless_told(transactional_db: Any, tmp_path: Path) -> None:
    existing = tmp_path / "kumokan.backup"
    existing.write_text("keep me")

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(existing))
    assert existing.read_text() == "keep me"


def file_fields() -> list[models.FileField]:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


@pytest.fixture
def private_storages(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """STORAGES["evidence"] and ["imports"] in a folder of this test's own, as a deployment configures them."""
    root = tmp_path / "storages"
    settings.STORAGES = {
        **settings.STORAGES,
        **{
            key: {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": root / key},
            }
            for key in FILE_STORAGES
        },
    }
    # The fields took their storage when the models were imported, before this test's settings.
    for field in file_fields():
        key = next(
            k for k, dotted in FILE_STORAGES.items() if import_string(dotted) is field._storage_callable
        )
        monkeypatch.setattr(field, "storage", storages[key])
    return root


def test_every_uploaded_file_is_in_a_storage_the_backup_copies() -> None:
    callables = {import_string(dotted) for dotted in FILE_STORAGES.values()}

    for field in file_fields():
        assert getattr(field, "_storage_callable", None) in callables, f"{field} is not backed up"


def upload_evidence(client: Client, city: f.City, content: bytes) -> ChecklistAnswer:
    application = f.draft(city)
    item = application.judgment.items("selection")[0]
    client.force_login(city.applicant)
    client.post(
        f"/applications/{application.pk}/checklist/",
        {
            "version": application.version,
            f"answer:kobe:{item['id']}": "conforms",
            f"evidence:kobe:{item['id']}": SimpleUploadedFile("監査報告書.pdf", content),
        },
    )
    return ChecklistAnswer.objects.get(application=application, item_id=item["id"])


def download(client: Client, answer: ChecklistAnswer) -> bytes:
    response = client.get(f"/applications/{answer.application_id}/evidence/{answer.pk}/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_restored_backup_serves_the_same_evidence(
    transactional_db: Any, tmp_path: Path, private_storages: Path, client: Client
) -> None:
    city = f.city("kobe")
    content = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF"
    answer = upload_evidence(client, city, content)
    stored = answer.evidence.name
    backup = tmp_path / "kumokan.backup"

    call_command("backup", str(backup), stdout=io.StringIO())
    answer.evidence.storage.delete(stored)
    ChecklistAnswer.objects.filter(pk=answer.pk).delete()
    assert not (private_storages / "evidence" / stored).exists()
    out = io.StringIO()
    call_command("restore", str(backup), "--noinput", stdout=out)

    assert "1 files" in out.getvalue()
    assert ChecklistAnswer.objects.get(pk=answer.pk).evidence.name == stored
    client.force_login(city.applicant)  # a restore signs everyone out
    assert download(client, answer) == content
    stranger = f.city("osaka").applicant
    client.force_login(stranger)
    assert client.get(f"/applications/{answer.application_id}/evidence/{answer.pk}/").status_code == 404


def test_restore_refuses_a_backup_whose_file_was_changed(
    transactional_db: Any, tmp_path: Path, private_storages: Path, client: Client
) -> None:
    city = f.city("kobe")
    answer = upload_evidence(client, city, b"%PDF-1.4 the original report")
    backup, damaged = tmp_path / "kumokan.backup", tmp_path / "damaged.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    with tarfile.open(backup) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("files/"):
                data = data.replace(b"original", b"a forged")
            target.addfile(member, io.BytesIO(data))
    ChecklistAnswer.objects.filter(pk=answer.pk).update(note="changed after the backup")

    with pytest.raises(CommandError, match="does not match the manifest"):
        call_command("restore", str(damaged), "--noinput")

    # Nothing was replaced: the database still has the change made after the backup.
    assert ChecklistAnswer.objects.get(pk=answer.pk).note == "changed after the backup"


@pytest.fixture
def usual_umask() -> Any:
    """The default umask of most hosts (022): files are world-readable unless created otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_backup_is_readable_by_its_owner_only(
    transactional_db: Any, tmp_path: Path, usual_umask: Any
) -> None:
    f.city("kobe")
    backup = tmp_path / "kumokan.backup"

    call_command("backup", str(backup), stdout=io.StringIO())

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_a_backup_unpacked_by_hand_is_readable_by_its_owner_only(
    transactional_db: Any, tmp_path: Path, usual_umask: Any
) -> None:
    """The database copy holds TOTP secrets: tar -x gives each member the mode recorded for it."""
    c = f.city("kobe")
    application = f.draft(c)
    item = application.judgment.items("selection")[0]
    answer = ChecklistAnswer.objects.create(
        application=application,
        pack_id=item["pack"],
        item_id=item["id"],
        answer="conforms",
        answered_by=c.applicant,
        evidence=SimpleUploadedFile("report.pdf", b"%PDF-1.4 evidence"),
    )
    assert answer.evidence
    backup = tmp_path / "kumokan.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    unpacked = tmp_path / "unpacked"

    with tarfile.open(backup) as archive:
        assert {oct(member.mode) for member in archive.getmembers() if member.isfile()} == {"0o600"}
        assert any(member.name.startswith("files/") for member in archive.getmembers())
        archive.extractall(unpacked, filter="tar")

    modes = {stat.S_IMODE(p.stat().st_mode) for p in unpacked.rglob("*") if p.is_file()}
    assert modes == {0o600}


def signed_in_session(client: Client) -> str:
    client.force_login(f.city("kobe").applicant)
    key = client.session.session_key
    assert key and Session.objects.filter(session_key=key).exists()
    return key


def test_a_backup_holds_no_session(transactional_db: Any, tmp_path: Path, client: Client) -> None:
    if connection.vendor != "sqlite":
        pytest.skip(
            "the copied database is read back with sqlite3 (PostgreSQL: pg_dump --exclude-table-data)"
        )
    key = signed_in_session(client)
    backup, copy = tmp_path / "kumokan.backup", tmp_path / "database"

    call_command("backup", str(backup), stdout=io.StringIO())

    with tarfile.open(backup) as archive:
        copy.write_bytes(archive.extractfile("database").read())  # type: ignore[union-attr]
    assert key.encode() not in copy.read_bytes()
    database = sqlite3.connect(copy)
    try:
        assert database.execute("SELECT count(*) FROM django_session").fetchone() == (0,)
    finally:
        database.close()


def test_a_restore_signs_everyone_out(transactional_db: Any, tmp_path: Path, client: Client) -> None:
    """Even a backup that still holds sessions (made before they were left out) signs no one in."""
    if connection.vendor != "sqlite":
        pytest.skip("the old-style backup is made with SQLite's backup API")
    key = signed_in_session(client)
    old_backup = tmp_path / "old.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(old_backup)
    connection.connection.backup(target)
    target.close()

    call_command("restore", str(old_backup), "--noinput", stdout=io.StringIO())

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/ledger/").status_code == 302
