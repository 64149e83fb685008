"""Kitakyushu's クラウドサービス利用基準 第1.1版 (seed 001) as its auditor reads it, one row per case."""

from __future__ import annotations

import pytest

from kumokan.policy import FactsError
from kumokan.policy.tests.installed import judge, meeting
from kumokan.policy.tests.seed_table import Row, Table, check_row, judged, uncovered

HIGH = {"confidentiality": "第2種"}
LOW = {"confidentiality": "その他"}
# 3.3①(ア)(ウ)(エ) set no IaaS/PaaS limit.
BUILDING = (
    "build.access.virtual-machines",
    "build.dev.third-party-licences",
    "build.design.monitor-cross-zone-traffic",
)
HIGH_ONLY = ("sel.high.selection-conditions", "sel.high.handling-status", "build.procedures.recovery")
LOW_ONLY = ("sel.low.risk.foreign-data-centre", "build.low.register-ledger", "op.low.appropriate-measures")
CONDITIONAL = (
    "build.access.internet-login",
    "op.continuity.availability-drills",
    "op.web-conference.follow-procedure",
    "sel.citizens.select-per-this-standard",
)

ROWS = [
    # 2(1) / 2(2): 重要情報資産 = 機密性の基準第1種又は第2種; 5.1 the 許可権限者; 5.2(1)① / 5.2(2)① the applicant.
    Row(
        "第2種 is 重要情報資産",
        HIGH,
        "high",
        present=(*HIGH_ONLY, *BUILDING),
        absent=(*LOW_ONLY, *CONDITIONAL),
    ),
    Row("第1種 is 重要情報資産", {"confidentiality": "第1種"}, "high", present=HIGH_ONLY),
    Row("その他 is not", LOW, "low", present=LOW_ONLY, absent=(*HIGH_ONLY, *BUILDING)),
    Row("その他 with MIC 1", {**LOW, "municipal_confidentiality": "1"}, "low"),
    Row("第2種 with MIC 1: the stricter decides", {**HIGH, "municipal_confidentiality": "1"}, "high"),
    Row("第1種 with MIC 3A", {"confidentiality": "第1種", "municipal_confidentiality": "3A"}, "high"),
    # 3.4①(ク): 可用性の基準第1種及び第2種の情報をクラウドサービスで取り扱う場合.
    Row(
        "availability 第2種, high",
        {**HIGH, "availability": "第2種"},
        "high",
        present=("op.continuity.availability-drills",),
    ),
    Row(
        "availability 第1種, high",
        {**HIGH, "availability": "第1種"},
        "high",
        present=("op.continuity.availability-drills",),
    ),
    Row(
        "availability その他, high",
        {**HIGH, "availability": "その他"},
        "high",
        absent=("op.continuity.availability-drills",),
    ),
    Row(
        "availability 第1種, low",
        {**LOW, "availability": "第1種"},
        "low",
        absent=("op.continuity.availability-drills",),
    ),
    # 3.3①(ア): 庁内通信回線を経由せずに…ログインすることの要否の判断.
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
    # 2(3): 市民等に利用させる場合.
    Row(
        "citizens, high",
        {**HIGH, "user_scope": "citizens"},
        "high",
        present=("sel.citizens.select-per-this-standard",),
    ),
    Row(
        "citizens, low",
        {**LOW, "user_scope": "citizens"},
        "low",
        present=("sel.citizens.select-per-this-standard",),
    ),
    # 6.1(1): ウェブ会議の参加者や取り扱う情報に応じた対策.
    Row(
        "web conference, high",
        {**HIGH, "service_model": "web_conference"},
        "high",
        present=("op.web-conference.follow-procedure", *BUILDING),
    ),
    Row(
        "web conference, low",
        {**LOW, "service_model": "web_conference"},
        "low",
        present=("op.web-conference.follow-procedure",),
    ),
    # 3.1(4): 必要となる条項…を盛り込んだ契約を締結する (must).
    Row(
        "clauses missing, high",
        {**HIGH, "required_clauses_present": False},
        "high",
        {"required_clauses_missing": "block"},
    ),
    Row("clauses missing, low", {**LOW, "required_clauses_present": False}, "low"),
    # 3.2②: 調達仕様の内容を契約に含めること; 4.2: リスクが許容できることを確認した上で申請すること.
    Row("standard terms, high", {**HIGH, "terms_only": True}, "high", {"standard_terms_only": "block"}),
    Row(
        "standard terms, low",
        {**LOW, "terms_only": True},
        "low",
        {"standard_terms_only": "block"},
        present=("sel.low.terms-risk-acceptable",),
    ),
    # 3.1(2): ISO/IEC27001等と同等以上の水準を求めること (must); 3.1(3) names the schemes.
    Row("no certification, high", {**HIGH, "certifications": []}, "high", {"certification_missing": "block"}),
    Row(
        "ISMAP-LIU only, high: low-impact SaaS",
        {**HIGH, "certifications": ["ISMAP-LIU"]},
        "high",
        {"certification_missing": "block"},
    ),
    Row("ISO/IEC 27017, high", {**HIGH, "certifications": ["ISO27017"]}, "high"),
    Row("SOC report, high", {**HIGH, "certifications": ["SOC2"]}, "high"),
    Row("cloud security audit (CS mark), high", {**HIGH, "certifications": ["CS-Mark"]}, "high"),
    Row("no certification, low", {**LOW, "certifications": []}, "low"),
    # 3.1(5): 国内法以外の法令…が適用されるリスクを評価して選定し (must); 4.1(2)(ウ): 受容か低減か (検討).
    Row(
        "data in Singapore, high",
        {**HIGH, "data_location": "SG"},
        "high",
        {"data_outside_japan": "block"},
        present=("sel.high.location-and-law",),
    ),
    Row("data in Singapore, low", {**LOW, "data_location": "SG"}, "low", {"data_outside_japan": "warn"}),
    Row("foreign law, high", {**HIGH, "governing_law": "US"}, "high", {"foreign_governing_law": "block"}),
    # §4 asks for no Japanese law: 2(4)④ is recorded.
    Row("foreign law, low", {**LOW, "governing_law": "US"}, "low", {"foreign_governing_law": "info"}),
    # The seed says nothing on personal information or contractors.
    Row(
        "personal information and a contractor, high",
        {**HIGH, "handles_specific_personal_info": True, "operated_by_contractor": True},
        "high",
    ),
    Row("IaaS, high", {**HIGH, "service_model": "iaas"}, "high", present=BUILDING),
    Row(
        "everything at once, high",
        {
            **HIGH,
            "required_clauses_present": False,
            "terms_only": True,
            "certifications": [],
            "data_location": "US",
            "governing_law": "US",
        },
        "high",
        {
            "required_clauses_missing": "block",
            "standard_terms_only": "block",
            "certification_missing": "block",
            "data_outside_japan": "block",
            "foreign_governing_law": "block",
        },
    ),
]

TABLE = Table(
    packs=("kitakyushu",),
    base={
        "service_name": "文書共有サービス",
        "provider": "株式会社テスト",
        "purpose": "庁内の文書共有",
        "service_model": "saas",
        "certifications": ["ISMAP"],
    },
    people={"high": ("CISO", "所属長"), "low": ("所属長", "職員")},
    rows=ROWS,
)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_kitakyushu_seed_table(row: Row) -> None:
    check_row(TABLE, row)


def test_kitakyushu_table_covers_every_conditional_item_and_finding() -> None:
    assert len(ROWS) >= 30
    assert uncovered(TABLE) == []


@pytest.mark.parametrize("mic", ["2", "3C", "3B", "3A"])
def test_kitakyushu_refuses_a_mic_class_it_cannot_map_beside_その他(mic: str) -> None:
    # The seed maps no 自治体機密性 to 第1種/第2種: judging either track would be a guess.
    with pytest.raises(FactsError) as caught:
        judge({**TABLE.base, **LOW, "municipal_confidentiality": mic}, ["kitakyushu"])
    (problem,) = caught.value.problems
    assert problem.where == "municipal_confidentiality"


def test_kitakyushu_applicant_note_cites_both_clauses() -> None:
    note = judged(TABLE, ROWS[0])["applicant"]["note"]
    assert "5.2(1)②" in note and "①" in note


LECTURE = (
    "meeting.lecture.secure-communication",
    "meeting.lecture.pre-registration",
    "meeting.lecture.url-to-participants-only",
    "meeting.lecture.attendance-checker",
)


@pytest.mark.parametrize(
    ("facts", "shown"),
    [
        ({"important_information": False, "role": "host", "outside_participants": True}, True),
        ({"important_information": True, "role": "host", "outside_participants": True}, False),
        ({"important_information": False, "role": "participant", "outside_participants": True}, False),
        ({"important_information": False, "role": "host", "outside_participants": False}, False),
    ],
)
def test_kitakyushu_6_4_2_3_goes_with_6_4_2_2(facts: dict[str, object], shown: bool) -> None:
    ids = {m["id"] for m in meeting(facts, "kitakyushu")["measures"]}
    assert (set(LECTURE) <= ids) is shown
    assert not (set(LECTURE) & ids) or shown
