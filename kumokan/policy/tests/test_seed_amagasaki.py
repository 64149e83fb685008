"""Amagasaki (seed 000) as its auditor reads it: one row per case the two documents decide.

（２以上） = 機密性２以上の情報を取り扱う場合 (§1–4.6); （２未満） = the other document (§1–3.4).
"""

from __future__ import annotations

import pytest

from kumokan.policy.tests.seed_table import Row, Table, check_row, judged, uncovered

HIGH = {"confidentiality": "2"}
LOW = {"confidentiality": "1"}
VM = ("build.access.virtual-machines", "ops.config.vm-network-isolation")
PI_ITEMS = ("sel.high.personal-info-safeguards", "sel.high.pia")
WORST = {
    "handles_personal_info": True,
    "handles_specific_personal_info": True,
    "terms_only": True,
    "required_clauses_present": False,
    "data_location": "US",
    "governing_law": "US",
    "direct_internet_login": True,
    "operated_by_contractor": True,
    "certifications": [],
}

ROWS = [
    # （２以上）1 / （２未満）1: 機密性２以上 or not picks the document; 3⑵ the 許可権限者, 4.2（１） the applicant.
    Row(
        "機密性2 takes （２以上）",
        HIGH,
        "high",
        present=("sel.high.purpose", "proc.sla", *VM),
        absent=(*PI_ITEMS, "build.access.internet-login", "sel.low.purpose"),
    ),
    Row("機密性3 takes （２以上）", {"confidentiality": "3"}, "high", present=("term.high.report-end",)),
    Row(
        "機密性1 takes （２未満）",
        LOW,
        "low",
        present=("sel.low.risk-acceptance-notice", "ops.low.backup", "term.low.report-end"),
        absent=("sel.high.purpose", "proc.sla", *VM),
    ),
    # The stricter classification decides: MIC 2, 3C, 3B, 3A are 機密性２以上.
    Row("MIC 3A beside 機密性1", {**LOW, "municipal_confidentiality": "3A"}, "high", present=VM),
    Row(
        "MIC 3B beside 機密性1",
        {**LOW, "municipal_confidentiality": "3B"},
        "high",
        absent=("sel.low.purpose",),
    ),
    Row("MIC 3C beside 機密性1", {**LOW, "municipal_confidentiality": "3C"}, "high"),
    Row("MIC 2 beside 機密性1", {**LOW, "municipal_confidentiality": "2"}, "high"),
    Row("MIC 1 beside 機密性1", {**LOW, "municipal_confidentiality": "1"}, "low"),
    Row("MIC 1 beside 機密性3", {"confidentiality": "3", "municipal_confidentiality": "1"}, "high"),
    # 4⑴エ: 安全管理措置を行う (must); PIA 必要に応じて (advice).
    Row(
        "personal information, high",
        {**HIGH, "handles_personal_info": True},
        "high",
        {"personal_info_safeguards": "block"},
        present=("sel.high.personal-info-safeguards",),
        absent=("sel.high.pia",),
    ),
    Row(
        "specific personal information, high",
        {**HIGH, "handles_specific_personal_info": True},
        "high",
        {"personal_info_safeguards": "block", "pia_required": "warn"},
        present=PI_ITEMS,
    ),
    Row(
        "personal information, low: （２未満） has no such rule",
        {**LOW, "handles_personal_info": True, "handles_specific_personal_info": True},
        "low",
        absent=PI_ITEMS,
    ),
    # 4.3＜アクセス制御＞: （…直接接続するようなケースが有る場合のみ該当）.
    Row(
        "direct internet login, high",
        {**HIGH, "direct_internet_login": True},
        "high",
        present=("build.access.internet-login",),
    ),
    Row(
        "direct internet login, low",
        {**LOW, "direct_internet_login": True},
        "low",
        absent=("build.access.internet-login",),
    ),
    # 4.3＜その他＞: 日本の裁判管轄、法令が適用されること / リージョンを国内に指定すること.
    Row(
        "foreign law, high",
        {**HIGH, "governing_law": "US"},
        "high",
        {"foreign_governing_law": "block"},
        present=("build.other.japanese-law-and-courts",),
    ),
    Row("foreign law, low", {**LOW, "governing_law": "US"}, "low"),
    Row(
        "data in Singapore, high",
        {**HIGH, "data_location": "SG"},
        "high",
        {"data_outside_japan": "block"},
        present=("build.other.domestic-region", "build.other.no-storage-abroad"),
    ),
    Row("data in Singapore, low", {**LOW, "data_location": "SG"}, "low"),
    Row(
        "clauses missing, high",
        {**HIGH, "required_clauses_present": False},
        "high",
        {"required_clauses_missing": "block"},
        present=("build.other.remedy-for-shortfalls",),
    ),
    Row("clauses missing, low", {**LOW, "required_clauses_present": False}, "low"),
    # 4.1: 調達仕様に含める又は適切に講じられているかを確認すること.
    Row(
        "standard terms, high",
        {**HIGH, "terms_only": True},
        "high",
        {"standard_terms_only": "block"},
        present=("proc.security-requirements-in-spec",),
    ),
    Row("standard terms, low", {**LOW, "terms_only": True}, "low"),
    # The seed asks for no certification and says nothing of contractors.
    Row(
        "no certification, contractor, high",
        {**HIGH, "certifications": [], "operated_by_contractor": True},
        "high",
    ),
    # 4.3 / 4.4 set no service-model limit on the virtual-machine measures.
    Row("IaaS, high", {**HIGH, "service_model": "iaas"}, "high", present=VM),
    Row("web conference, high", {**HIGH, "service_model": "web_conference"}, "high", present=VM),
    Row("SNS, high", {**HIGH, "service_model": "sns"}, "high", present=VM),
    Row("other, high", {**HIGH, "service_model": "other"}, "high", present=VM),
    Row(
        "availability 3 changes nothing",
        {**HIGH, "availability": "3"},
        "high",
        present=("build.design.availability",),
    ),
    Row("citizens as users", {**HIGH, "user_scope": "citizens"}, "high"),
    Row("government cloud", {**HIGH, "deployment": "government"}, "high", present=VM),
    Row(
        "everything at once, high",
        {**HIGH, **WORST},
        "high",
        {
            "personal_info_safeguards": "block",
            "pia_required": "warn",
            "foreign_governing_law": "block",
            "data_outside_japan": "block",
            "required_clauses_missing": "block",
            "standard_terms_only": "block",
        },
        present=(*PI_ITEMS, "build.access.internet-login"),
    ),
    Row(
        "everything at once, low", {**LOW, **WORST}, "low", absent=(*PI_ITEMS, "build.access.internet-login")
    ),
]

TABLE = Table(
    packs=("amagasaki",),
    base={
        "service_name": "文書共有サービス",
        "provider": "株式会社テスト",
        "purpose": "庁内の文書共有",
        "service_model": "saas",
    },
    people={
        "high": ("デジタル推進課長", "情報セキュリティ管理者"),
        "low": ("デジタル推進課長", "情報セキュリティ管理者"),
    },
    rows=ROWS,
)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_amagasaki_seed_table(row: Row) -> None:
    check_row(TABLE, row)


def test_amagasaki_table_covers_every_conditional_item_and_finding() -> None:
    assert len(ROWS) >= 30
    assert uncovered(TABLE) == []


def test_amagasaki_contradictions_of_the_seed_are_shown_as_notes_citing_both_clauses() -> None:
    high = judged(TABLE, ROWS[0])
    assert "3⑶" in high["applicant"]["note"] and "4.2（１）" in high["applicant"]["note"]
    assert "4.2（２）" in high["approver"]["note"] and "3⑵" in high["approver"]["note"]
    low = judged(TABLE, ROWS[2])
    assert "3.2（１）" in low["applicant"]["note"] and "3.2（２）" in low["applicant"]["note"]
    assert low["approver"]["source"]["clause"] == "（２以上）3⑵"


def test_amagasaki_scale_codes_say_they_are_the_contract_s() -> None:
    from kumokan.policy.tests.installed import load_pack

    scale = load_pack("amagasaki").pack.classification
    assert scale is not None
    assert scale.confidentiality.source.basis == "contract"
    assert scale.availability.source.basis == "contract"
