"""Kobe's 外部サービス利用基準 (seed 003) as its auditor reads it: one row per case the seed decides."""

from __future__ import annotations

import pytest

from kumokan.policy.tests.seed_table import Row, Table, check_row, judged, uncovered

HIGH = {"confidentiality": "2"}
LOW = {"confidentiality": "1"}
SENSITIVE = ("build.crypto.encrypt-sensitive-data", "term.high.crypto-erase")
HIGH_ONLY = ("sel.high.include-requirements", "build.access.virtual-machines", "term.high.apply-to-stop")
LOW_ONLY = ("sel.low.meet-requirements", "term.low.ledger-retired")
TERMS = {"standard_terms_only": "block", "unfavourable_terms": "warn"}

ROWS = [
    # 2.1 / 2.2: 機密性２以上 or not; 5.1.1 / 5.1.2 the 許可権限者; 3.4ア / 5.2.2① the applicant.
    Row(
        "機密性2 is the high track",
        HIGH,
        "high",
        present=HIGH_ONLY,
        absent=(
            *SENSITIVE,
            *LOW_ONLY,
            "sel.citizens.select-per-standard",
            "sel.contractor.submit-requirements",
            "sel.high.standard-terms-acceptable",
            "build.access.internet-login",
            "build.design.availability",
        ),
    ),
    # 3.7③: 機密性の高い情報（住民情報等）を保存する場合は.
    Row(
        "機密性3 stores highly confidential information", {"confidentiality": "3"}, "high", present=SENSITIVE
    ),
    Row(
        "機密性1 is the low track, self-approved",
        LOW,
        "low",
        present=LOW_ONLY,
        absent=(*HIGH_ONLY, "sel.low.standard-terms-acceptable"),
    ),
    # The stricter classification decides (never self-approval beside a 3B-only item).
    Row(
        "MIC 3B beside 機密性1",
        {**LOW, "municipal_confidentiality": "3B"},
        "high",
        present=HIGH_ONLY,
        absent=LOW_ONLY,
    ),
    Row("MIC 3A beside 機密性1", {**LOW, "municipal_confidentiality": "3A"}, "high"),
    Row("MIC 2 beside 機密性1", {**LOW, "municipal_confidentiality": "2"}, "high"),
    Row("MIC 1 beside 機密性1", {**LOW, "municipal_confidentiality": "1"}, "low"),
    Row(
        "resident personal information, high",
        {**HIGH, "handles_personal_info": True},
        "high",
        present=SENSITIVE,
    ),
    Row(
        "specific personal information, high",
        {**HIGH, "handles_specific_personal_info": True},
        "high",
        present=SENSITIVE,
    ),
    Row("personal information, low", {**LOW, "handles_personal_info": True}, "low", absent=SENSITIVE),
    # 3.5.4オ: 可用性２の情報を取り扱う場合は.
    Row(
        "availability 2, high", {**HIGH, "availability": "2"}, "high", present=("build.design.availability",)
    ),
    Row(
        "availability 3, high", {**HIGH, "availability": "3"}, "high", present=("build.design.availability",)
    ),
    Row("availability 1, high", {**HIGH, "availability": "1"}, "high", absent=("build.design.availability",)),
    Row("availability 2, low", {**LOW, "availability": "2"}, "low", absent=("build.design.availability",)),
    # 3.5.1ク: インターネット等から…ログインする場合.
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
    # 2.3: 市民等に利用させる場合.
    Row(
        "citizens, high",
        {**HIGH, "user_scope": "citizens"},
        "high",
        present=("sel.citizens.select-per-standard",),
    ),
    Row(
        "citizens, low",
        {**LOW, "user_scope": "citizens"},
        "low",
        present=("sel.citizens.select-per-standard",),
    ),
    # 5.3: 提出させ…確認するものとする (must).
    Row(
        "contractor, high",
        {**HIGH, "operated_by_contractor": True},
        "high",
        {"contractor_submission": "block"},
        present=("sel.contractor.submit-requirements",),
    ),
    Row(
        "contractor, low",
        {**LOW, "operated_by_contractor": True},
        "low",
        {"contractor_submission": "block"},
        present=("sel.contractor.submit-requirements",),
    ),
    # 3.2エ / 4.2エ: 受容可能か判断する (must); オ: 不利な条件…の場合があるので十分検討 (advice).
    Row(
        "standard terms, high",
        {**HIGH, "terms_only": True},
        "high",
        TERMS,
        present=("sel.high.standard-terms-acceptable",),
    ),
    Row(
        "standard terms, low",
        {**LOW, "terms_only": True},
        "low",
        TERMS,
        present=("sel.low.standard-terms-acceptable",),
    ),
    # 3.2エ / 4.2エ: 必要となる条項が盛り込まれていない外部サービスは原則として…できない.
    Row(
        "clauses missing, high",
        {**HIGH, "required_clauses_present": False},
        "high",
        {"required_clauses_missing": "block"},
    ),
    Row(
        "clauses missing, low",
        {**LOW, "required_clauses_present": False},
        "low",
        {"required_clauses_missing": "block"},
    ),
    # 3.2ウ / 4.2イ: certifications are material for the evaluation, not a condition (info).
    Row("no certification, high", {**HIGH, "certifications": []}, "high", {"certification_missing": "info"}),
    Row("no certification, low", {**LOW, "certifications": []}, "low", {"certification_missing": "info"}),
    Row(
        "ISMAP-LIU only, high: not for 機密性２以上",
        {**HIGH, "certifications": ["ISMAP-LIU"]},
        "high",
        {"certification_missing": "info"},
    ),
    Row("ISMAP-LIU only, low", {**LOW, "certifications": ["ISMAP-LIU"]}, "low"),
    Row("SOC 2 only, high", {**HIGH, "certifications": ["SOC2"]}, "high"),
    # 2.4エ: 留意事項 (country risk), no must.
    Row("data in Singapore, high", {**HIGH, "data_location": "SG"}, "high", {"data_outside_japan": "warn"}),
    Row("data in Singapore, low", {**LOW, "data_location": "SG"}, "low", {"data_outside_japan": "warn"}),
    Row("foreign law, high", {**HIGH, "governing_law": "US"}, "high", {"foreign_governing_law": "warn"}),
    Row("foreign law, low", {**LOW, "governing_law": "US"}, "low", {"foreign_governing_law": "warn"}),
    # 3.5.1キ: no service-model limit on virtual machines.
    Row("IaaS, high", {**HIGH, "service_model": "iaas"}, "high", present=("build.access.virtual-machines",)),
    Row(
        "web conference, high",
        {**HIGH, "service_model": "web_conference"},
        "high",
        present=("build.access.virtual-machines",),
    ),
    Row(
        "everything at once, high",
        {
            **HIGH,
            "terms_only": True,
            "required_clauses_present": False,
            "operated_by_contractor": True,
            "certifications": [],
            "data_location": "US",
            "governing_law": "US",
        },
        "high",
        {
            **TERMS,
            "required_clauses_missing": "block",
            "contractor_submission": "block",
            "certification_missing": "info",
            "data_outside_japan": "warn",
            "foreign_governing_law": "warn",
        },
    ),
]

TABLE = Table(
    packs=("kobe",),
    base={
        "service_name": "文書共有サービス",
        "provider": "株式会社テスト",
        "purpose": "庁内の文書共有",
        "service_model": "saas",
        "certifications": ["ISMAP"],
    },
    people={"high": ("情報セキュリティ管理者", "情報管理者等"), "low": ("情報管理者等", "情報管理者等")},
    rows=ROWS,
)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_kobe_seed_table(row: Row) -> None:
    check_row(TABLE, row)


def test_kobe_table_covers_every_conditional_item_and_finding() -> None:
    assert len(ROWS) >= 30
    assert uncovered(TABLE) == []


def test_kobe_applicants_cite_their_clauses_and_the_choice_between_them() -> None:
    high = judged(TABLE, ROWS[0])
    assert high["applicant"]["source"]["clause"] == "3.4ア"
    assert "5.2.1①" in high["applicant"]["note"]
    low = judged(TABLE, ROWS[2])
    assert low["applicant"]["source"]["clause"] == "5.2.2①"
    assert low["self_approval"] is True
