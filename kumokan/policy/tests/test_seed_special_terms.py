"""The special terms (seed 004) judged on top of Kobe, one row per case the checklist decides."""

from __future__ import annotations

from typing import Any

import pytest

from kumokan.policy import FactsError
from kumokan.policy.tests.installed import judge
from kumokan.policy.tests.seed_table import Row, Table, check_row, judged, uncovered

HIGH = {"confidentiality": "2"}
LOW = {"confidentiality": "1"}
STAR = {**HIGH, "municipal_confidentiality": "3B", "deployment": "public", "certifications": ["SOC2"]}
CERT = {"certification_missing": "block"}
EVERY_ROW = ("st.confirm.2", "st.confirm.3", "st.build.4", "st.ops.3", "st.ops.19")

ROWS = [
    Row("no ★ class, high", HIGH, "high", present=EVERY_ROW, absent=("st.confirm.1", "st.build.5")),
    Row("no ★ class, low", LOW, "low", present=EVERY_ROW, absent=("st.confirm.1",)),
    # ★ 確認事項 No.1: 自治体機密性3B又は3Cの情報をパブリッククラウドサービスで取り扱う場合 … 満たしていること.
    Row("3B on a public cloud, SOC 2 only", STAR, "high", CERT, present=("st.confirm.1",)),
    Row(
        "3C on a public cloud, SOC 2 only",
        {**STAR, "municipal_confidentiality": "3C"},
        "high",
        CERT,
        present=("st.confirm.1",),
    ),
    Row(
        "3A is not named by ★", {**STAR, "municipal_confidentiality": "3A"}, "high", absent=("st.confirm.1",)
    ),
    Row(
        "MIC 2 is not named by ★",
        {**STAR, "municipal_confidentiality": "2"},
        "high",
        absent=("st.confirm.1",),
    ),
    Row("3B on a private cloud", {**STAR, "deployment": "private"}, "high", absent=("st.confirm.1",)),
    Row("3B on a community cloud", {**STAR, "deployment": "community"}, "high", absent=("st.confirm.1",)),
    Row("3B on the government cloud", {**STAR, "deployment": "government"}, "high", absent=("st.confirm.1",)),
    Row("3B with ISO/IEC 27001", {**STAR, "certifications": ["ISO27001"]}, "high", present=("st.confirm.1",)),
    Row(
        "3C with ISO/IEC 27001",
        {**STAR, "municipal_confidentiality": "3C", "certifications": ["ISO27001"]},
        "high",
    ),
    # 27017 presupposes 27001.
    Row("3B with ISO/IEC 27017", {**STAR, "certifications": ["ISO27017"]}, "high"),
    # ISMAP is 同等程度 (the pack's stated choice); ISMAP-LIU is for low-impact SaaS only.
    Row("3B with ISMAP", {**STAR, "certifications": ["ISMAP"]}, "high"),
    Row("3B with ISMAP-LIU", {**STAR, "certifications": ["ISMAP-LIU"]}, "high", CERT),
    Row("3B with the CS mark", {**STAR, "certifications": ["CS-Mark"]}, "high", CERT),
    # Kobe's own info and the overlay's block are one finding, the stricter.
    Row("3B with no certification at all", {**STAR, "certifications": []}, "high", CERT),
    # The stricter classification: 3B is 機密性２以上, so the ★ item never meets Kobe's self-approval.
    Row("3B beside 機密性1", {**STAR, **LOW}, "high", CERT, present=("st.confirm.1",)),
    Row("MIC 1 beside 機密性1", {**LOW, "municipal_confidentiality": "1"}, "low", absent=("st.confirm.1",)),
    # 確認事項 No.2: 国内に指定すること / 海外に保存されないこと / 日本の裁判管轄、法令が適用されること.
    Row("data abroad, high", {**HIGH, "data_location": "SG"}, "high", {"data_outside_japan": "block"}),
    Row("data abroad, low", {**LOW, "data_location": "SG"}, "low", {"data_outside_japan": "block"}),
    Row("foreign law, high", {**HIGH, "governing_law": "US"}, "high", {"foreign_governing_law": "block"}),
    Row("foreign law, low", {**LOW, "governing_law": "US"}, "low", {"foreign_governing_law": "block"}),
    Row(
        "3B with ISMAP, data abroad",
        {**STAR, "certifications": ["ISMAP"], "data_location": "SG"},
        "high",
        {"data_outside_japan": "block"},
    ),
    # 導入・構築時 No.5: （…直接接続するようなケースが有る場合のみ該当）.
    Row("direct internet login", {**HIGH, "direct_internet_login": True}, "high", present=("st.build.5",)),
    Row("direct internet login, low", {**LOW, "direct_internet_login": True}, "low", present=("st.build.5",)),
    # No.4 sets no service-model limit.
    Row("IaaS", {**HIGH, "service_model": "iaas"}, "high", present=("st.build.4",)),
    Row("web conference", {**HIGH, "service_model": "web_conference"}, "high", present=("st.build.4",)),
    # Kobe's own findings are unchanged by the overlay.
    Row(
        "standard terms",
        {**HIGH, "terms_only": True},
        "high",
        {"standard_terms_only": "block", "unfavourable_terms": "warn"},
    ),
    Row("contractor", {**HIGH, "operated_by_contractor": True}, "high", {"contractor_submission": "block"}),
    Row(
        "clauses missing",
        {**LOW, "required_clauses_present": False},
        "low",
        {"required_clauses_missing": "block"},
    ),
    Row(
        "everything at once",
        {
            **STAR,
            "municipal_confidentiality": "3C",
            "certifications": [],
            "data_location": "US",
            "governing_law": "US",
            "direct_internet_login": True,
        },
        "high",
        {**CERT, "data_outside_japan": "block", "foreign_governing_law": "block"},
        present=("st.confirm.1", "st.build.5"),
    ),
]

TABLE = Table(
    packs=("kobe", "special-terms"),
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
def test_special_terms_seed_table(row: Row) -> None:
    check_row(TABLE, row)


def test_special_terms_table_covers_every_conditional_item_and_finding() -> None:
    assert len(ROWS) >= 30
    assert uncovered(TABLE, ["special-terms"]) == []


def test_a_code_both_packs_raise_is_one_finding_with_both_sources() -> None:
    result = judged(TABLE, ROWS[18])  # data abroad: Kobe 2.4エ (warn) and 確認事項 No.2 (block)
    (finding,) = [f for f in result["findings"] if f["code"] == "data_outside_japan"]
    assert finding["severity"] == "block"
    assert finding["source"]["clause"] == "確認事項 No.2"
    assert [s["clause"] for s in finding["sources"]] == ["2.4エ", "確認事項 No.2"]
    assert finding["packs"] == ["kobe", "special-terms"]


@pytest.mark.parametrize("packs", [["kobe", "special-terms", "special-terms"], ["kobe", "kobe"]])
def test_a_pack_given_twice_is_refused(packs: list[str]) -> None:
    with pytest.raises(FactsError, match="given twice"):
        judge({**TABLE.base, **HIGH}, packs)


@pytest.mark.parametrize("city", ["amagasaki", "osaka"])
def test_the_star_class_takes_the_high_track_in_every_city_that_maps_it(city: str) -> None:
    facts: dict[str, Any] = {**TABLE.base, **STAR, **LOW}
    assert judge(facts, [city, "special-terms"], configured_approver="長")["track"] == "high"
