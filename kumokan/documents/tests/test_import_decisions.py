"""Decisions a person must make are asked once (issue 16 point 3): a classification of another scale,
departments not registered; saved for the municipality, and the file checked again."""

from __future__ import annotations

import io

import pytest

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.tests.kept_ledgers import KITAKYUSHU_HEADER, KITAKYUSHU_ROWS, kept_city, kept_workbook
from kumokan.errors import WorkflowError
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.models import Department

pytestmark = pytest.mark.django_db


def other_scale_rows():
    """Kitakyushu's ledger written on the 機密性１/２/３ scale (the pack's is 第1種/第2種/その他), with a
    department not registered (総務課) in two rows."""
    rows = [list(r) for r in KITAKYUSHU_ROWS]
    for values, level in zip(rows, ["機密性２", "機密性１", "機密性３", "機密性１"], strict=True):
        values[4] = level
    rows[2][6] = "総務課・佐藤一郎"
    rows[3][6] = "総務課・田中次郎"
    return rows


def test_another_scale_and_an_unknown_department_are_asked_once_each():
    municipality, admin = kept_city("kitakyushu")
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin,
        municipality=municipality,
        name="台帳.xlsx",
        data=kept_workbook(KITAKYUSHU_HEADER, other_scale_rows()),
    )
    assert ledger_import.status == ImportStatus.DECISIONS
    assert ledger_import.report["problems"] == []
    decisions = ledger_import.report["decisions"]
    assert sorted(f["value"] for f in decisions["classification"].values()) == [
        "機密性１",
        "機密性２",
        "機密性３",
    ]
    assert [(f["value"], f["count"]) for f in decisions["department"].values()] == [("総務課", 2)]
    with pytest.raises(WorkflowError):
        actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()


def test_decisions_on_the_page_are_saved_and_the_file_imports(client):
    municipality, admin = kept_city("kitakyushu")
    client.force_login(admin)
    upload = io.BytesIO(kept_workbook(KITAKYUSHU_HEADER, other_scale_rows()))
    upload.name = "台帳.xlsx"
    response = client.post(
        "/documents/ledger/imports/",
        {"municipality": municipality.slug, "file": upload, "encoding": "auto"},
        follow=True,
    )
    text = response.content.decode()
    assert (
        "決めていただくこと" in text and "別の尺度で書かれた格付" in text and "登録されていない所属" in text
    )
    form = response.context["decisions_form"]
    answers = {
        "機密性１": "その他",
        "機密性２": "第2種",
        "機密性３": "第1種",
        "総務課": actions.NEW_DEPARTMENT,
    }
    data = {name: answers[value] for name, (_kind, value) in form.values.items()}
    ledger_import = response.context["ledger_import"]
    response = client.post(f"/documents/ledger/imports/{ledger_import.pk}/decisions/", data, follow=True)
    assert "決定を保存し、ファイルを確認し直しました。" in response.content.decode()
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.CHECKED, ledger_import.report
    created = Department.objects.get(municipality=municipality, name="総務課")
    assert AuditEvent.objects.filter(action=Action.DEPARTMENT_CREATE, target_id=str(created.pk)).exists()
    assert AuditEvent.objects.filter(action=Action.IMPORT_MAPPING_SAVE, municipality=municipality).exists()
    client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/")
    entries = {e.service_name: e for e in LedgerEntry.objects.filter(municipality=municipality)}
    assert entries["電子申請システム"].classification_code == "第2種"
    assert entries["電子申請システム"].track == "high"
    assert entries["Web会議（録画）"].classification_code == "その他"
    assert entries["文書管理"].department == created

    # Saved for the municipality: the next file on the same scale needs no decision.
    again = actions.dry_run_ledger_import(
        acting_user=admin,
        municipality=municipality,
        name="台帳2.xlsx",
        data=kept_workbook(
            KITAKYUSHU_HEADER, [[*other_scale_rows()[2][:1], "新サービス", *other_scale_rows()[2][2:]]]
        ),
    )
    assert again.status == ImportStatus.CHECKED, again.report


def test_an_unregistered_name_can_be_read_as_an_existing_department():
    municipality, admin = kept_city("kitakyushu")
    rows = [list(KITAKYUSHU_ROWS[0])]
    rows[0][6] = "DX推進課・山田太郎"
    data = kept_workbook(KITAKYUSHU_HEADER, rows)
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin, municipality=municipality, name="a.xlsx", data=data
    )
    assert ledger_import.status == ImportStatus.DECISIONS
    digital = Department.objects.get(municipality=municipality, name="デジタル推進課")
    actions.save_decisions(
        acting_user=admin, municipality=municipality, decisions={"department": {"ＤＸ推進課": digital.code}}
    )
    checked = actions.repeat_dry_run(acting_user=admin, ledger_import=ledger_import)
    assert checked.status == ImportStatus.CHECKED
    actions.import_checked_file(acting_user=admin, ledger_import=checked)
    entry = LedgerEntry.objects.get(municipality=municipality)
    assert entry.department == digital
    assert entry.applicant_department_name == "DX推進課"


def test_a_decision_outside_the_packs_scale_is_refused():
    municipality, admin = kept_city("kitakyushu")
    with pytest.raises(WorkflowError):
        actions.save_decisions(
            acting_user=admin, municipality=municipality, decisions={"classification": {"機密性２": "2"}}
        )
    with pytest.raises(WorkflowError):
        actions.save_decisions(
            acting_user=admin, municipality=municipality, decisions={"department": {"総務課": "nope"}}
        )
