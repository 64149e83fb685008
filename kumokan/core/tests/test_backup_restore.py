"""`manage.py backup` and `manage.py restore`: a round trip gives back the same ledger, record for record."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kumokan.applications.tests import factories as f
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
