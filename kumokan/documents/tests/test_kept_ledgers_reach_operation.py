"""Issue 16's "done when", city by city with the ledgers cities keep (kept_ledgers.py): each shape is
uploaded and imported through the web page with nothing asked beyond the decisions of point 3 (here
none: the departments are registered, 髙﨑 is 高崎, the scales are the packs'), and the row the file gives
as 承認済み reaches 稼働中 through the gate, as an approved application's entry does (point 4)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.documents.choices import ImportStatus
from kumokan.documents.tests.kept_ledgers import (
    KITAKYUSHU_HEADER,
    KITAKYUSHU_ROWS,
    KOBE_HEADER,
    KOBE_ROWS,
    SHORT_HEADER,
    SHORT_ROWS,
    kept_city,
    kept_csv,
    kept_workbook,
)
from kumokan.errors import WorkflowError
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.rules import phase_items, snapshot_of
from kumokan.lifecycle.tests.factories import confirm_required

pytestmark = pytest.mark.django_db

APPROVED = "承認済み（運用開始前）"


def with_status(header: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """The ledger with a status column: its first row approved and not yet in operation, the rest in use."""
    statuses = [APPROVED] + ["稼働中"] * (len(rows) - 1)
    return [*header, "状態"], [[*values, status] for values, status in zip(rows, statuses, strict=True)]


def kept_file(pack_id: str) -> tuple[bytes, str, str]:
    """Each city's shape: Kitakyushu's seed ledger on the second of three sheets under its title,
    Kobe's eight items in a cp932 CSV, Amagasaki's and Osaka's short forms on one sheet; and the name
    of the service on the approved row."""
    if pack_id == "kitakyushu":
        return (
            kept_workbook(*with_status(KITAKYUSHU_HEADER, KITAKYUSHU_ROWS)),
            "台帳.xlsx",
            "電子申請システム",
        )
    if pack_id == "kobe":
        return kept_csv(*with_status(KOBE_HEADER, KOBE_ROWS)), "台帳.csv", "電子契約サービス"
    return kept_workbook(*with_status(SHORT_HEADER, SHORT_ROWS), sheets=False), "台帳.xlsx", "電子申請"


@pytest.mark.parametrize("pack_id", ["amagasaki", "kitakyushu", "kobe", "osaka"])
def test_a_kept_ledger_imports_through_the_page_and_its_approved_row_reaches_operation(client, pack_id):
    municipality, admin = kept_city(pack_id)
    data, name, approved_service = kept_file(pack_id)
    client.force_login(admin)
    upload = io.BytesIO(data)
    upload.name = name
    response = client.post(
        "/documents/ledger/imports/",
        {"municipality": municipality.slug, "file": upload, "encoding": "auto"},
        follow=True,
    )
    ledger_import = response.context["ledger_import"]
    assert ledger_import.status == ImportStatus.CHECKED, ledger_import.report["problems"]
    assert ledger_import.report["problems"] == [] and not ledger_import.report["decisions"]
    assert "決めていただくこと" not in response.content.decode()
    client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/")
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.COMMITTED
    imported = LedgerEntry.objects.filter(municipality=municipality)
    assert imported.count() == ledger_import.report["rows"]
    assert set(imported.exclude(service_name=approved_service).values_list("status", flat=True)) <= {
        EntryStatus.IN_OPERATION
    }

    entry = imported.get(service_name=approved_service)
    assert entry.status == EntryStatus.APPROVED and entry.track == "high"
    # The tasks an approval opens: every item of the phases after approval.
    expected = {(item["pack"], item["id"]) for item in phase_items(snapshot_of(entry))}
    tasks = ChecklistTask.objects.filter(entry=entry)
    assert expected and {(t.pack_id, t.item_id) for t in tasks} == expected
    if tasks.filter(required_before_operation=True).exists():
        with pytest.raises(WorkflowError) as refused:
            entries.start_operation(acting_user=entry.service_manager, entry=entry)
        assert refused.value.code == "operation_gate"
    confirm_required(entry)
    started = entries.start_operation(acting_user=entry.service_manager, entry=entry)
    assert started.status == EntryStatus.IN_OPERATION
    assert AuditEvent.objects.filter(action=Action.LEDGER_START_OPERATION, target_id=str(entry.pk)).exists()
