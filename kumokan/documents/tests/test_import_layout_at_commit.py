"""The sheet and header row chosen are checked again on the request that commits (issue 16): a sheet
the file does not have is refused when chosen, and a commit sent from a page showing another layout
than the file is now read with (another tab, a tampered form, a header found elsewhere since) is
refused with the reason, nothing written."""

from __future__ import annotations

import pytest

from kumokan.audit.models import AuditEvent
from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.models import LedgerImport
from kumokan.documents.tests.kept_ledgers import KITAKYUSHU_HEADER, KITAKYUSHU_ROWS, kept_city, kept_workbook
from kumokan.errors import WorkflowError
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def checked_upload(client):
    """Kitakyushu's ledger on the second of three sheets, header on row 4, uploaded through the page."""
    municipality, admin = kept_city("kitakyushu")
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin,
        municipality=municipality,
        name="台帳.xlsx",
        data=kept_workbook(KITAKYUSHU_HEADER, KITAKYUSHU_ROWS),
    )
    assert ledger_import.status == ImportStatus.CHECKED, ledger_import.report["problems"]
    client.force_login(admin)
    return municipality, admin, ledger_import


def test_a_sheet_the_file_does_not_have_is_refused_when_chosen():
    municipality, admin = kept_city("kitakyushu")
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin,
        municipality=municipality,
        name="台帳.xlsx",
        data=kept_workbook(KITAKYUSHU_HEADER, KITAKYUSHU_ROWS),
    )
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(WorkflowError) as refused:
        actions.choose_layout(acting_user=admin, ledger_import=ledger_import, sheet="Sheet9", header_row=None)
    assert refused.value.code == "layout"
    assert "「Sheet9」というシートはありません" in refused.value.ja
    assert "no sheet named 'Sheet9'" in refused.value.en
    for row in (0, 2_000_000):
        with pytest.raises(WorkflowError):
            actions.choose_layout(
                acting_user=admin, ledger_import=ledger_import, sheet="台帳", header_row=row
            )
    ledger_import.refresh_from_db()
    assert (ledger_import.sheet, ledger_import.header_row, ledger_import.status) == ("", None, "checked")
    assert AuditEvent.objects.count() == audit_rows


def test_the_page_refuses_a_sheet_the_file_does_not_have(client):
    _municipality, _admin, ledger_import = checked_upload(client)
    response = client.post(
        f"/documents/ledger/imports/{ledger_import.pk}/layout/",
        {"sheet": "Sheet9", "header_row": ""},
        follow=True,
    )
    assert "ファイルのシートと行番号を選んでください。" in response.content.decode()
    ledger_import.refresh_from_db()
    assert (ledger_import.sheet, ledger_import.status) == ("", ImportStatus.CHECKED)


def test_the_commit_button_carries_the_layout_its_page_shows(client):
    _municipality, _admin, ledger_import = checked_upload(client)
    page = client.get(f"/documents/ledger/imports/{ledger_import.pk}/").content.decode()
    assert '<input type="hidden" name="sheet" value="台帳">' in page
    assert '<input type="hidden" name="header_row" value="4">' in page


@pytest.mark.parametrize(
    "sent",
    [
        {"sheet": "記入要領", "header_row": "4"},
        {"sheet": "台帳", "header_row": "5"},
        {"sheet": "台帳", "header_row": "四"},
    ],
)
def test_a_commit_sent_with_another_layout_than_the_check_is_refused(client, sent):
    municipality, _admin, ledger_import = checked_upload(client)
    response = client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/", sent, follow=True)
    text = response.content.decode()
    assert "確認の後で、読み取るシートまたは見出しの行が変わりました" in text
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.CHECKED
    response = client.post(
        f"/documents/ledger/imports/{ledger_import.pk}/commit/", {"sheet": "台帳", "header_row": "4"}
    )
    assert LedgerEntry.objects.filter(municipality=municipality).count() == len(KITAKYUSHU_ROWS)


def test_a_commit_from_a_page_shown_before_another_tab_chose_another_row_is_refused(client):
    municipality, admin, ledger_import = checked_upload(client)
    seen = {"sheet": "台帳", "header_row": "4"}
    # Another tab: the header row is set to 5 (the check refuses it), then found again (row 4).
    actions.choose_layout(acting_user=admin, ledger_import=ledger_import, sheet="台帳", header_row=5)
    response = client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/", seen, follow=True)
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()
    assert "取り込める状態ではありません" in response.content.decode()


def test_a_header_found_on_another_row_inside_the_commit_is_not_imported_unseen():
    """The check inside the commit's transaction reads the header elsewhere than the report shown (as
    when the saved mapping changed since): refused, the new result kept for the importer to see."""
    municipality, admin = kept_city("kitakyushu")
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin,
        municipality=municipality,
        name="台帳.xlsx",
        data=kept_workbook(KITAKYUSHU_HEADER, KITAKYUSHU_ROWS),
    )
    shown = {**ledger_import.report, "header_row": 3}
    LedgerImport.objects.filter(pk=ledger_import.pk).update(report=shown)
    ledger_import.refresh_from_db()
    with pytest.raises(WorkflowError) as refused:
        actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)
    assert refused.value.code == "import_stale"
    assert "4行目" in refused.value.ja and "row 4" in refused.value.en
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()
    ledger_import.refresh_from_db()
    assert ledger_import.report["header_row"] == 4
    assert ledger_import.status == ImportStatus.CHECKED
    done = actions.import_checked_file(acting_user=admin, ledger_import=ledger_import, layout=("台帳", 4))
    assert done.created_count == len(KITAKYUSHU_ROWS)
