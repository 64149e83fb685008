"""Importing a ledger file: the dry run names every problem by row and column; the commit is all or nothing."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from kumokan.applications.judging import judge_facts
from kumokan.applications.models import Application, JudgmentDocument, JudgmentSnapshot
from kumokan.applications.tests import factories as f
from kumokan.audit.chain import verify_chain
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.catalog.models import CloudService, Provider
from kumokan.core.spreadsheet import MAX_BYTES
from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.ledger_import import UNASSIGNED
from kumokan.documents.models import LedgerImport
from kumokan.documents.tests.exchange import body, city_with_ledger, download, empty_city, xlsx_rows
from kumokan.errors import WorkflowError
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import NOTE_MAX_LENGTH, LedgerEntry
from kumokan.lifecycle.gates import TASK_BATCH
from kumokan.lifecycle.models import ChecklistTask
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db

HEADER = [
    "所属",
    "クラウドサービスの名称",
    "機能名",
    "クラウドサービス提供者",
    "利用目的（業務内容）",
    "取り扱う情報の格付（機密性／可用性）",
    "利用開始日",
    "状態",
]


def row(**values):
    base = {
        "所属": "市民局 住民課",
        "クラウドサービスの名称": "電子申請サービス",
        "機能名": "",
        "クラウドサービス提供者": "株式会社クラウド自治",
        "利用目的（業務内容）": "市民からの各種申請の受付",
        "取り扱う情報の格付（機密性／可用性）": "機密性2",
        "利用開始日": "令和7年4月1日",
        "状態": "稼働中",
    }
    base.update(values)
    return [base[h] for h in HEADER]


def csv_file(*rows, header=HEADER, encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(*rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    if header:
        sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def check(municipality, admin, data, name="台帳.csv", encoding="auto"):
    return actions.dry_run_ledger_import(
        acting_user=admin, municipality=municipality, name=name, data=data, encoding=encoding
    )


def managers_left_unassigned(admin, ledger_import):
    """The file's service managers have no account in this municipality: import them unassigned."""
    names = [
        found["value"] for found in ledger_import.report["decisions"].get("service_manager", {}).values()
    ]
    assert names, ledger_import.report
    actions.save_decisions(
        acting_user=admin,
        municipality=ledger_import.municipality,
        decisions={"service_manager": dict.fromkeys(names, UNASSIGNED)},
    )
    return actions.repeat_dry_run(acting_user=admin, ledger_import=ledger_import)


def commit(admin, ledger_import):
    return actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)


def problems(ledger_import):
    return ledger_import.report["problems"]


def assert_refused(ledger_import, row_number, column, text):
    assert ledger_import.status == ImportStatus.REFUSED
    found = [p for p in problems(ledger_import) if p["row"] == row_number and p["column"] == column]
    assert found, problems(ledger_import)
    assert text in found[0]["ja"], found[0]["ja"]
    assert found[0]["en"]
    assert not LedgerEntry.objects.filter(municipality=ledger_import.municipality).exists()
    assert not Application.objects.filter(municipality=ledger_import.municipality).exists()
    with pytest.raises(WorkflowError):
        commit(ledger_import.uploaded_by, ledger_import)


# ── round trip ─────────────────────────────────────────────────────────────


def test_csv_round_trip_into_an_empty_municipality_gives_the_same_file(client):
    c, entries = city_with_ledger()
    first = body(download(client, c.administrator, c.municipality, "csv"))
    municipality, admin = empty_city()
    ledger_import = managers_left_unassigned(admin, check(municipality, admin, first))
    assert ledger_import.status == ImportStatus.CHECKED, problems(ledger_import)
    commit(admin, ledger_import)
    assert LedgerEntry.objects.filter(municipality=municipality).count() == len(entries)
    assert body(download(client, admin, municipality, "csv")) == first


def test_xlsx_round_trip_into_an_empty_municipality_gives_the_same_cells(client):
    c, _entries = city_with_ledger()
    first = body(download(client, c.administrator, c.municipality, "xlsx"))
    municipality, admin = empty_city()
    ledger_import = managers_left_unassigned(admin, check(municipality, admin, first, name="台帳.xlsx"))
    assert ledger_import.status == ImportStatus.CHECKED, problems(ledger_import)
    commit(admin, ledger_import)
    assert xlsx_rows(body(download(client, admin, municipality, "xlsx"))) == xlsx_rows(first)


def test_importing_the_same_file_twice_creates_nothing_new(client):
    c, entries = city_with_ledger()
    data = body(download(client, c.administrator, c.municipality, "csv"))
    municipality, admin = empty_city()
    commit(admin, managers_left_unassigned(admin, check(municipality, admin, data)))
    counts = (LedgerEntry.objects.count(), Provider.objects.count(), CloudService.objects.count())
    again = commit(admin, check(municipality, admin, data))
    assert again.created_count == 0
    assert again.report["existing"] == len(entries)
    assert (LedgerEntry.objects.count(), Provider.objects.count(), CloudService.objects.count()) == counts


def test_imported_rows_judged_alike_share_one_judgment_document():
    """Each row keeps its own snapshot (its facts); the judgment is stored once per kind of row."""
    municipality, admin = empty_city()
    data = csv_file(
        row(),
        row(**{"クラウドサービスの名称": "施設予約サービス"}),
        row(**{"クラウドサービスの名称": "アンケート", "取り扱う情報の格付（機密性／可用性）": "機密性1"}),
    )
    commit(admin, check(municipality, admin, data))
    snapshots = JudgmentSnapshot.objects.filter(application__municipality=municipality).select_related(
        "document"
    )
    assert len(snapshots) == 3
    assert len({s.facts["service_name"] for s in snapshots}) == 3
    assert JudgmentDocument.objects.filter(municipality=municipality).count() == 2
    by_track = {s.document_id: s.judgment["track"] for s in snapshots}
    assert sorted(by_track.values()) == ["high", "low"]
    for snapshot in snapshots:
        assert snapshot.judgment == judge_facts(municipality, snapshot.facts).judgment


def test_providers_and_services_are_matched_by_width_and_case_not_duplicated():
    municipality, admin = empty_city()
    commit(
        admin,
        check(municipality, admin, csv_file(row(**{"クラウドサービス提供者": "ABCストレージ株式会社"}))),
    )
    data = csv_file(
        row(**{"クラウドサービス提供者": "ＡＢＣストレージ株式会社", "所属": "こども家庭局 保育課"}),
        row(
            **{
                "クラウドサービス提供者": "abcストレージ株式会社",
                "所属": "jumin",
                "クラウドサービスの名称": "ｸﾗｳﾄﾞ会議",
            }
        ),
    )
    done = commit(admin, check(municipality, admin, data))
    assert done.created_count == 2
    assert Provider.objects.filter(municipality=municipality).count() == 1
    assert (
        CloudService.objects.filter(provider__municipality=municipality, name="電子申請サービス").count() == 1
    )
    # Half-width katakana are stored in full width.
    assert LedgerEntry.objects.filter(municipality=municipality, service_name="クラウド会議").exists()


@pytest.mark.parametrize(
    "written", ["令和7年4月1日", "R7.4.1", "Ｒ７．４．１", "2025-04-01", "2025/4/1", "令和７年４月１日"]
)
def test_every_written_form_of_a_date_is_read(written):
    municipality, admin = empty_city()
    done = commit(admin, check(municipality, admin, csv_file(row(**{"利用開始日": written}))))
    assert done.created_count == 1
    assert str(LedgerEntry.objects.get(municipality=municipality).period_start) == "2025-04-01"


def test_gannen_is_read():
    municipality, admin = empty_city()
    commit(admin, check(municipality, admin, csv_file(row(**{"利用開始日": "令和元年5月1日"}))))
    assert str(LedgerEntry.objects.get(municipality=municipality).period_start) == "2019-05-01"


def test_a_shift_jis_file_with_windows_only_characters_is_read():
    """①, ㈱ and 髙 exist in Windows' Shift_JIS (cp932) but not in plain Shift_JIS."""
    municipality, admin = empty_city()
    data = csv_file(
        row(**{"利用目的（業務内容）": "①窓口受付（髙橋係長）", "クラウドサービス提供者": "㈱クラウド自治"}),
        encoding="cp932",
    )
    ledger_import = check(municipality, admin, data)
    assert ledger_import.report["encoding"] == "cp932"
    commit(admin, ledger_import)
    entry = LedgerEntry.objects.get(municipality=municipality)
    assert entry.purpose == "①窓口受付（髙橋係長）"
    assert entry.provider_name == "㈱クラウド自治"


def test_imported_entries_have_an_audit_record_each():
    municipality, admin = empty_city()
    data = csv_file(
        row(),
        row(**{"クラウドサービスの名称": "庁内チャット", "取り扱う情報の格付（機密性／可用性）": "機密性1"}),
    )
    done = commit(admin, check(municipality, admin, data))
    entries = LedgerEntry.objects.filter(municipality=municipality)
    events = AuditEvent.objects.filter(action=Action.LEDGER_IMPORT_ENTRY, municipality=municipality)
    assert {e.target_id for e in events} == {str(e.pk) for e in entries}
    assert all(e.actor == admin for e in events)
    assert AuditEvent.objects.filter(action=Action.LEDGER_IMPORT_COMMIT, target_id=str(done.pk)).exists()
    assert AuditEvent.objects.filter(action=Action.LEDGER_IMPORT_CHECK, target_id=str(done.pk)).exists()
    assert {e.track for e in entries} == {"high", "low"}
    assert {e.status for e in entries} == {EntryStatus.IN_OPERATION}


def test_the_dry_run_writes_nothing_to_the_ledger():
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file(row()))
    assert ledger_import.status == ImportStatus.CHECKED
    assert ledger_import.report["new"] == 1
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()
    assert not Provider.objects.filter(municipality=municipality).exists()


# ── refusals ───────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("令和7年2月30日", "という日はありません"),
        ("平成32年1月1日", "平成の期間外"),
        ("来週", "日付として読めません"),
    ],
)
def test_a_bad_date_is_refused_naming_row_and_column(value, reason):
    municipality, admin = empty_city()
    ledger_import = check(
        municipality, admin, csv_file(row(), row(**{"利用開始日": value, "クラウドサービスの名称": "別"}))
    )
    assert_refused(ledger_import, 3, "利用開始日", reason)


def assert_waits_for_decision(ledger_import, kind, value, row_number):
    """The value is asked once (issue 16 point 3), not refused row by row; nothing is written."""
    assert ledger_import.status == ImportStatus.DECISIONS, problems(ledger_import)
    assert problems(ledger_import) == []
    found = list(ledger_import.report["decisions"][kind].values())
    assert [(f["value"], f["rows"][0]) for f in found] == [(value, row_number)]
    assert not LedgerEntry.objects.filter(municipality=ledger_import.municipality).exists()


def test_an_unknown_department_waits_for_a_decision():
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file(row(**{"所属": "総務局 総務課"})))
    assert_waits_for_decision(ledger_import, "department", "総務局 総務課", 2)


def test_a_note_over_its_length_is_refused_naming_row_and_column():
    municipality, admin = empty_city()
    header = [*HEADER, "備考"]
    data = csv_file(
        [*row(), "短い備考"],
        [*row(**{"クラウドサービスの名称": "施設予約"}), "あ" * (NOTE_MAX_LENGTH + 1)],
        header=header,
    )
    assert_refused(check(municipality, admin, data), 3, "備考", f"{NOTE_MAX_LENGTH}文字以内")


def test_a_duplicate_service_in_the_file_is_refused():
    municipality, admin = empty_city()
    ledger_import = check(
        municipality, admin, csv_file(row(), row(**{"クラウドサービス提供者": "株式会社クラウド自治 "}))
    )
    assert_refused(ledger_import, 3, "クラウドサービスの名称", "2行目と同じ")


def test_a_file_mixing_utf8_and_shift_jis_is_refused_naming_the_row():
    municipality, admin = empty_city()
    good = csv_file(row(), encoding="utf-8")
    bad = "市民局 住民課,髙橋システム,,株式会社クラウド自治,受付,機密性2,2025-04-01,稼働中\r\n".encode(
        "cp932"
    )
    ledger_import = check(municipality, admin, good + bad)
    assert_refused(ledger_import, 3, "", "3行目に UTF-8 として読めない文字")


def test_a_shift_jis_file_read_as_utf8_is_refused_naming_the_row():
    municipality, admin = empty_city()
    data = csv_file(row(**{"利用目的（業務内容）": "受付"}), encoding="cp932")
    ledger_import = check(municipality, admin, data, encoding="utf-8")
    assert_refused(ledger_import, 1, "", "1行目に UTF-8 として読めない文字")


@pytest.mark.parametrize(
    "formula", ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "＝1+1"]
)
def test_a_formula_in_a_csv_cell_is_refused(formula):
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file(row(**{"利用目的（業務内容）": formula})))
    assert_refused(ledger_import, 2, "利用目的（業務内容）", "数式として扱われる")


def test_a_formula_cell_in_a_workbook_is_refused():
    municipality, admin = empty_city()
    cells = row()
    cells[4] = '=CONCATENATE("a","b")'
    ledger_import = check(municipality, admin, xlsx_file(cells), name="台帳.xlsx")
    assert_refused(ledger_import, 2, "利用目的（業務内容）", "数式")


def test_an_escaped_formula_is_read_as_text():
    municipality, admin = empty_city()
    commit(admin, check(municipality, admin, csv_file(row(**{"利用目的（業務内容）": "'=1+1 の集計"}))))
    assert LedgerEntry.objects.get(municipality=municipality).purpose == "=1+1 の集計"


@pytest.mark.parametrize(
    "data",
    [xlsx_file(header=None), xlsx_file(), csv_file(), b"", b"\xef\xbb\xbf"],
    ids=["empty-workbook", "header-only-workbook", "header-only-csv", "empty-csv", "bom-only-csv"],
)
def test_an_empty_sheet_is_refused(data):
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, data)
    assert_refused(ledger_import, None, "", "台帳の行がありません")


def test_a_file_over_10_mb_is_refused():
    municipality, admin = empty_city()
    filler = row(**{"利用目的（業務内容）": "受付" * 2000})
    data = csv_file(*[filler] * (MAX_BYTES // 12000 + 1))
    assert len(data) > MAX_BYTES
    ledger_import = check(municipality, admin, data)
    assert_refused(ledger_import, None, "", "10 MB までのファイル")


def test_a_missing_required_column_is_refused_in_row_1():
    municipality, admin = empty_city()
    header = [h for h in HEADER if h != "利用目的（業務内容）"]
    cells = [v for h, v in zip(HEADER, row(), strict=True) if h != "利用目的（業務内容）"]
    ledger_import = check(municipality, admin, csv_file(cells, header=header))
    assert ledger_import.status == ImportStatus.REFUSED
    assert problems(ledger_import)[0]["row"] == 1
    assert "利用目的（業務内容）" in problems(ledger_import)[0]["ja"]


def test_an_unknown_classification_waits_for_a_decision():
    municipality, admin = empty_city()
    ledger_import = check(
        municipality, admin, csv_file(row(**{"取り扱う情報の格付（機密性／可用性）": "極秘"}))
    )
    assert_waits_for_decision(ledger_import, "classification", "極秘", 2)


def test_one_bad_row_refuses_the_whole_file():
    municipality, admin = empty_city()
    good = [row(**{"クラウドサービスの名称": f"サービス{i}"}) for i in range(5)]
    ledger_import = check(municipality, admin, csv_file(*good, row(**{"利用開始日": "不明"})))
    assert_refused(ledger_import, 7, "利用開始日", "不明")


def test_a_value_repeated_on_many_rows_is_reported_on_each():
    """A cell is read once per column and text (ledger_import._RowReader._value): a bad date or a value
    to decide that recurs is still named on every row it is on, with the row's own number."""
    municipality, admin = empty_city()
    bad = [row(**{"利用開始日": "不明", "クラウドサービスの名称": f"サービス{i}"}) for i in range(3)]
    ledger_import = check(municipality, admin, csv_file(row(), *bad))
    assert [(p["row"], p["column"]) for p in problems(ledger_import)] == [
        (n, "利用開始日") for n in (3, 4, 5)
    ]
    assert all("不明" in p["ja"] and p["en"] for p in problems(ledger_import))
    other_scale = [
        row(**{"取り扱う情報の格付（機密性／可用性）": "極秘", "クラウドサービスの名称": f"サービス{i}"})
        for i in range(3)
    ]
    ledger_import = check(municipality, admin, csv_file(*other_scale))
    asked = list(ledger_import.report["decisions"]["classification"].values())
    assert [(a["value"], a["count"], a["rows"]) for a in asked] == [("極秘", 3, [2, 3, 4])]


def test_a_problem_arising_after_the_dry_run_refuses_the_commit_and_writes_nothing():
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file(row(), row(**{"所属": "hoiku"})))
    assert ledger_import.status == ImportStatus.CHECKED
    municipality.departments.get(code="hoiku").delete()
    with pytest.raises(WorkflowError):
        commit(admin, ledger_import)
    ledger_import.refresh_from_db()
    # The department is now unknown: the file waits for a decision on it.
    assert ledger_import.status == ImportStatus.DECISIONS
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()
    assert not Provider.objects.filter(municipality=municipality).exists()


# ── who may import ─────────────────────────────────────────────────────────


def test_only_the_administrator_may_import():
    c = f.city("kobe", overlays=())
    for person in (c.applicant, c.security_manager, c.chief, c.head):
        with pytest.raises(PermissionDenied):
            check(c.municipality, person, csv_file(row()))
    assert not LedgerImport.objects.exists()


def test_an_administrator_of_another_municipality_may_not_import_here():
    municipality, _admin = empty_city()
    _other, stranger = empty_city("amagasaki-copy", "amagasaki")
    with pytest.raises(PermissionDenied):
        check(municipality, stranger, csv_file(row()))


def test_a_saved_mapping_reads_the_municipalitys_own_headers():
    municipality, admin = empty_city()
    header = ["課", "サービス", "事業者", "業務", "格付"]
    cells = ["市民局 住民課", "電子申請サービス", "株式会社クラウド自治", "申請受付", "2"]
    first = check(municipality, admin, csv_file(cells, header=header))
    assert first.status == ImportStatus.REFUSED
    actions.save_mapping(
        acting_user=admin,
        municipality=municipality,
        columns={
            "課": "department",
            "サービス": "service_name",
            "事業者": "provider_name",
            "業務": "purpose",
            "格付": "classification",
        },
    )
    rechecked = actions.repeat_dry_run(acting_user=admin, ledger_import=first)
    assert rechecked.status == ImportStatus.CHECKED, problems(rechecked)
    assert AuditEvent.objects.filter(action=Action.IMPORT_MAPPING_SAVE, municipality=municipality).exists()
    commit(admin, rechecked)
    assert LedgerEntry.objects.get(municipality=municipality).classification_label == "機密性2"


# ── the pages ──────────────────────────────────────────────────────────────


def test_upload_page_checks_the_file_and_shows_problems_by_row_and_column(client):
    municipality, admin = empty_city()
    client.force_login(admin)
    upload = io.BytesIO(csv_file(row(**{"利用開始日": "R7.2.30"})))
    upload.name = "台帳.csv"
    response = client.post(
        "/documents/ledger/imports/",
        {"municipality": municipality.slug, "file": upload, "encoding": "auto"},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "2行目「利用開始日」" in text
    assert "取込み不可" in text
    assert "新しい行を取り込む" not in text


def test_upload_page_refuses_a_file_over_10_mb(client):
    municipality, admin = empty_city()
    client.force_login(admin)
    upload = io.BytesIO(b"x" * (MAX_BYTES + 1))
    upload.name = "big.csv"
    response = client.post("/documents/ledger/imports/", {"municipality": municipality.slug, "file": upload})
    assert "10 MB までのファイルにしてください" in response.content.decode()
    assert not LedgerImport.objects.exists()


def test_commit_page_imports_a_checked_file(client):
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file(row()))
    client.force_login(admin)
    response = client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/", follow=True)
    # In Kobe's word for the ledger (kobe.yaml terms.ledger, 5.2.1④).
    assert "情報システム台帳に1件を登録しました" in response.content.decode()
    assert LedgerEntry.objects.filter(municipality=municipality).count() == 1


def test_commit_refuses_get(client):
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file(row()))
    client.force_login(admin)
    assert client.get(f"/documents/ledger/imports/{ledger_import.pk}/commit/").status_code == 405


def test_another_municipalitys_import_is_not_found(client):
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file(row()))
    _other, stranger = empty_city("amagasaki-copy", "amagasaki")
    client.force_login(stranger)
    assert client.get(f"/documents/ledger/imports/{ledger_import.pk}/").status_code == 404
    assert client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/").status_code == 404
    assert not LedgerEntry.objects.exists()


def test_a_service_manager_cannot_open_the_import_page(client):
    c = f.city("kobe", overlays=())
    manager = f.member(c.municipality, Role.SERVICE_MANAGER, c.department)
    client.force_login(manager)
    assert client.get("/documents/ledger/imports/").status_code == 403


def test_the_mapping_page_saves_the_mapping_and_checks_again(client):
    municipality, admin = empty_city()
    header = ["課", "サービス", "事業者", "業務", "格付"]
    first = check(
        municipality,
        admin,
        csv_file(["jumin", "電子申請サービス", "株式会社クラウド自治", "受付", "2"], header=header),
    )
    client.force_login(admin)
    page = client.get(f"/documents/ledger/imports/{first.pk}/").content.decode()
    assert "<details open>" in page
    keys = ["department", "service_name", "provider_name", "purpose", "classification"]
    response = client.post(
        f"/documents/ledger/imports/{first.pk}/mapping/",
        {f"column_{i}": key for i, key in enumerate(keys)},
        follow=True,
    )
    assert "列の対応を保存し、ファイルを再確認しました。" in response.content.decode()
    first.refresh_from_db()
    assert first.status == ImportStatus.CHECKED


def test_a_binary_file_posing_as_csv_is_refused_and_its_report_can_be_stored():
    municipality, admin = empty_city()
    data = csv_file(row()) + "市民局 住民課,\x00\x01,株式会社,受付,機密性2\r\n".encode()
    ledger_import = check(municipality, admin, data, name="台帳\x00.csv")
    assert_refused(ledger_import, 3, "", "NUL 文字")
    assert ledger_import.original_name == "台帳.csv"


# ── many rows ──────────────────────────────────────────────────────────────

CLASSIFICATIONS = ("機密性1", "機密性2", "機密性3")
MODELS = ("SaaS", "IaaS", "ウェブ会議")


def many_rows(count, **values):
    return [
        row(
            **{
                "所属": ("市民局 住民課", "hoiku")[n % 2],
                "クラウドサービスの名称": f"サービス{n:04d}",
                "クラウドサービス提供者": f"提供者{n % 7}株式会社",
                "取り扱う情報の格付（機密性／可用性）": CLASSIFICATIONS[n % 3],
                "機能名": ("", "録画")[n % 2],
            }
            | values
        )
        for n in range(count)
    ]


def commit_queries(municipality, admin, rows):
    ledger_import = check(municipality, admin, csv_file(*rows))
    assert ledger_import.status == ImportStatus.CHECKED, problems(ledger_import)
    with CaptureQueriesContext(connection) as captured:
        commit(admin, ledger_import)
    assert LedgerEntry.objects.filter(municipality=municipality).count() == len(rows)
    task_inserts = [q for q in captured if 'INSERT INTO "lifecycle_checklisttask"' in q["sql"]]
    tasks = ChecklistTask.objects.filter(entry__municipality=municipality).count()
    assert tasks, "approved entries get their phase tasks"
    # Every entry's phase tasks by executemany, TASK_BATCH rows a statement.
    assert len(task_inserts) <= tasks // TASK_BATCH + 1, (len(task_inserts), tasks)
    return len(captured) - len(task_inserts)


def test_the_commit_writes_in_batches_not_row_by_row():
    """Providers, services, entries and their tasks are looked up and written per table: 200 rows take
    about as many queries as 10 (SQLite splits a batch at 999 parameters; PostgreSQL not at all)."""
    approved = {"状態": "承認済み（運用開始前）"}
    few = commit_queries(*empty_city(), many_rows(10, **approved))
    many = commit_queries(*empty_city("kobe-copy-2"), many_rows(200, **approved))
    assert many - few <= 190 // 5, (few, many)


def test_a_bad_row_near_the_end_of_a_long_file_refuses_all_of_it():
    municipality, admin = empty_city()
    rows = many_rows(300)
    rows[297] = row(**{"利用開始日": "令和7年2月30日", "クラウドサービスの名称": "最後から3番目"})
    ledger_import = check(municipality, admin, csv_file(*rows))
    assert_refused(ledger_import, 299, "利用開始日", "令和7年2月30日")
    assert not Provider.objects.filter(municipality=municipality).exists()
    assert not AuditEvent.objects.filter(
        action__in=[Action.LEDGER_IMPORT_ENTRY, Action.PROVIDER_CREATE, Action.SERVICE_CREATE]
    ).exists()


def test_rows_alike_share_the_judgment_each_would_get_on_its_own():
    municipality, admin = empty_city()
    rows = many_rows(12)
    for n, cells in enumerate(rows):
        cells[HEADER.index("利用目的（業務内容）")] = f"業務{n}"
    for n, model in enumerate(MODELS):
        rows[n][HEADER.index("クラウドサービスの名称")] = f"形態{n}"
        rows[n].append(model)
    header = [*HEADER, "サービスの形態"]
    commit(
        admin,
        check(
            municipality,
            admin,
            csv_file(*[cells + [""] * (len(header) - len(cells)) for cells in rows], header=header),
        ),
    )
    entries = LedgerEntry.objects.filter(municipality=municipality).select_related("application")
    assert len(entries) == 12
    for entry in entries:
        snapshot = entry.application.judgment
        assert snapshot.facts == entry.application.facts
        assert snapshot.facts["service_name"] == entry.service_name
        assert snapshot.facts["purpose"] == entry.purpose
        alone = judge_facts(municipality, snapshot.facts)
        assert snapshot.judgment == alone.judgment
        assert (snapshot.track, snapshot.approver_title) == (alone.track, alone.approver_title)
        assert entry.classification_label == alone.judgment["classification"]["confidentiality"]["label"]
    assert {e.track for e in entries} == {"high", "low"}
    assert {e.service.service_model for e in entries} >= {"saas", "iaas", "web_conference"}


def test_the_audit_chain_holds_after_an_import_with_a_record_for_each_new_row():
    municipality, admin = empty_city()
    done = commit(admin, check(municipality, admin, csv_file(*many_rows(40))))
    verification = verify_chain()
    assert verification.ok, verification.first_break
    events = AuditEvent.objects.filter(municipality=municipality)
    entries = LedgerEntry.objects.filter(municipality=municipality)
    assert {e.target_id for e in events.filter(action=Action.LEDGER_IMPORT_ENTRY)} == {
        str(pk) for pk in entries.values_list("pk", flat=True)
    }
    entry_event = events.filter(action=Action.LEDGER_IMPORT_ENTRY).order_by("id").first()
    assert entry_event.after["import"] == done.pk
    assert entry_event.after["row"] == 2
    assert events.filter(action=Action.PROVIDER_CREATE).count() == 7
    assert events.filter(action=Action.SERVICE_CREATE).count() == 40
    assert CloudService.objects.filter(provider__municipality=municipality).count() == 40


def test_two_imports_at_once_cannot_create_the_same_entry_twice():
    """Two imports of one file, both checked before either commits: the database refuses the second's
    entries (ledger_ledgerentry_unique_import), so it writes nothing and says why."""
    municipality, admin = empty_city()
    first = check(municipality, admin, csv_file(row(), row(**{"所属": "hoiku"})))
    second = check(municipality, admin, csv_file(row(), row(**{"所属": "hoiku"})), name="同じ台帳.csv")
    rows_checked_before = actions._check_kept(second).new_rows
    commit(admin, first)
    with pytest.raises(IntegrityError), transaction.atomic():
        # What the second import would write had its check run before the first committed.
        actions._import_rows(admin, second, rows_checked_before)
    assert LedgerEntry.objects.filter(municipality=municipality).count() == 2
    assert Application.objects.filter(municipality=municipality).count() == 2
