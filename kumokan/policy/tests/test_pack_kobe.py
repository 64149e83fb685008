"""Kobe's 外部サービス利用基準 (seed 003) as the kobe pack applies it."""

from __future__ import annotations

from typing import Any

import pytest

from kumokan.policy.tests.installed import judge, load_pack

SEED = "003_458251fa9e15d94e.txt"

HIGH: dict[str, Any] = {
    "service_name": "文書共有サービス",
    "provider": "株式会社テスト",
    "purpose": "庁内の文書共有",
    "service_model": "saas",
    "confidentiality": "2",
}
LOW: dict[str, Any] = {**HIGH, "confidentiality": "1"}


def kobe(facts: dict[str, Any]) -> dict[str, Any]:
    return judge(facts, ["kobe"])


def ids(judgment: dict[str, Any], phase: str) -> list[str]:
    return [item["id"] for item in judgment["checklists"][phase]]


def all_ids(judgment: dict[str, Any]) -> set[str]:
    return {item["id"] for items in judgment["checklists"].values() for item in items}


def codes(judgment: dict[str, Any]) -> dict[str, str]:
    """Each finding's code with its severity (codes appear at most once per judgment)."""
    found = [(f["code"], f["severity"]) for f in judgment["findings"]]
    assert len({c for c, _ in found}) == len(found)
    return dict(found)


def clause(judgment: dict[str, Any], item_id: str) -> str:
    for items in judgment["checklists"].values():
        for item in items:
            if item["id"] == item_id:
                assert item["source"]["file"] == SEED
                return str(item["source"]["clause"])
    raise AssertionError(item_id)


# ── tracks ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("level", ["2", "3"])
def test_kobe_confidentiality_two_or_above_takes_the_high_track(level: str) -> None:
    assert kobe({**HIGH, "confidentiality": level})["track"] == "high"


def test_kobe_confidentiality_one_takes_the_low_track() -> None:
    assert kobe(LOW)["track"] == "low"


def test_kobe_high_track_is_approved_by_the_information_security_manager() -> None:
    result = kobe(HIGH)
    assert result["approver"]["title"] == "情報セキュリティ管理者"
    assert result["approver"]["role"] == "security_manager"
    assert result["approver"]["source"] == {"file": SEED, "clause": "5.1.1"}
    assert result["self_approval"] is False


def test_kobe_high_track_applicant_is_the_information_managers() -> None:
    applicant = kobe(HIGH)["applicant"]
    assert applicant["title"] == "情報管理者等"
    assert applicant["role"] == "applicant"


def test_kobe_high_track_designates_the_applicant_as_service_manager() -> None:
    manager = kobe(HIGH)["service_manager"]
    assert manager["title"] == "外部サービス管理者"
    assert manager["designation"] == "applicant"
    assert "申請者を外部サービス管理者に指名する" in manager["rule"]
    assert manager["source"]["clause"] == "5.2.1③"


def test_kobe_low_track_is_self_approved() -> None:
    result = kobe(LOW)
    assert result["self_approval"] is True
    assert result["approver"]["title"] == "情報管理者等"
    assert result["approver"]["role"] == result["applicant"]["role"] == "applicant"
    assert result["approver"]["source"]["clause"] == "5.1.2"


def test_kobe_low_track_approver_becomes_service_manager() -> None:
    manager = kobe(LOW)["service_manager"]
    assert manager["title"] == "外部サービス管理者"
    assert manager["designation"] == "approver"
    assert "自らが外部サービス管理者となる" in manager["rule"]
    assert manager["source"]["clause"] == "5.2.2②"


def test_kobe_no_track_reports_a_missing_approver() -> None:
    assert "approver_not_configured" not in codes(kobe(HIGH))
    assert "approver_not_configured" not in codes(kobe(LOW))


def test_kobe_high_track_submits_the_confidentiality_two_requirements_sheet() -> None:
    forms = kobe(HIGH)["forms"]
    assert [(f["title"], f["source"]["clause"]) for f in forms] == [
        ("外部サービス要件（機密性２以上）", "5.2.1①")
    ]


def test_kobe_low_track_checks_against_the_confidentiality_one_requirements_sheet() -> None:
    forms = kobe(LOW)["forms"]
    assert [(f["title"], f["source"]["clause"]) for f in forms] == [
        ("外部サービス要件（機密性１）", "5.2.2①")
    ]


# ── ledger ──────────────────────────────────────────────────────────────────


def test_kobe_high_track_ledger_is_the_service_usage_register_a_to_h() -> None:
    fields = kobe(HIGH)["ledger_fields"]
    assert [f["label"] for f in fields] == [
        "外部サービスの名称",
        "外部サービス提供者の名称",
        "利用目的（業務内容）",
        "取り扱う情報の格付",
        "利用期間",
        "利用申請者（所属・氏名）",
        "利用者の範囲（自組織の関係者内に限る、部局内に限る等）",
        "外部サービス管理者（所属役職）",
    ]
    assert [f["source"]["clause"] for f in fields] == [f"5.2.1⑤{k}" for k in "アイウエオカキク"]


def test_kobe_low_track_has_no_enumerated_ledger_fields() -> None:
    # §5.2.2③ registers the service in the 情報システム台帳 but names no fields.
    assert kobe(LOW)["ledger_fields"] == []


def test_kobe_both_tracks_register_the_system_ledger_after_approval() -> None:
    assert clause(kobe(HIGH), "build.high.register-system-ledger") == "5.2.1④"
    assert clause(kobe(LOW), "build.low.register-system-ledger") == "5.2.2③"


# ── checklists per phase ────────────────────────────────────────────────────


def test_kobe_typical_high_track_saas_item_counts() -> None:
    counts = {phase: len(items) for phase, items in kobe(HIGH)["checklists"].items()}
    # 3.5.1キ sets no IaaS/PaaS limit (+1 build); 3.7③ only where resident or similar data is stored
    # (-1 build, -1 termination: no personal information and 機密性2 here).
    assert counts == {"selection": 9, "procurement": 2, "build": 20, "operation": 11, "termination": 10}


def test_kobe_typical_low_track_saas_item_counts() -> None:
    counts = {phase: len(items) for phase, items in kobe(LOW)["checklists"].items()}
    assert counts == {"selection": 8, "procurement": 2, "build": 2, "operation": 1, "termination": 1}


def test_kobe_high_track_selection_follows_sections_3_1_and_3_2() -> None:
    clauses = [item["source"]["clause"] for item in kobe(HIGH)["checklists"]["selection"]]
    assert clauses == ["3.1", "3.2ア", "3.2イ", "3.2ウ", "3.2エ", "3.2エ", "3.2オ", "3.2カ", "3.2キ"]


def test_kobe_low_track_selection_follows_sections_4_1_and_4_2() -> None:
    clauses = [item["source"]["clause"] for item in kobe(LOW)["checklists"]["selection"]]
    assert clauses == ["4.1", "4.2ア", "4.2イ", "4.2ウ", "4.2エ", "4.2エ", "4.2オ", "4.2カ"]


def test_kobe_low_track_has_no_dev_ops_information_check_before_contract() -> None:
    # §3.2キ has no counterpart in §4.2.
    assert "sel.high.dev-ops-info-before-contract" in all_ids(kobe(HIGH))
    assert "sel.high.dev-ops-info-before-contract" not in all_ids(kobe(LOW))


def test_kobe_procurement_puts_the_selection_conditions_in_the_spec_on_each_track() -> None:
    assert [i["source"]["clause"] for i in kobe(HIGH)["checklists"]["procurement"]] == ["3.3ア", "3.3イ"]
    assert [i["source"]["clause"] for i in kobe(LOW)["checklists"]["procurement"]] == ["4.3ア", "4.3イ"]


def test_kobe_build_measures_of_section_3_5_are_high_track_only() -> None:
    high = {i["source"]["clause"] for i in kobe(HIGH)["checklists"]["build"]}
    low = {i["source"]["clause"] for i in kobe(LOW)["checklists"]["build"]}
    assert {"3.5.1ウ", "3.5.2ア", "3.5.3ア", "3.5.4イ", "3.5.5", "3.5.6"} <= high
    assert not any(c.startswith("3.") for c in low)


def test_kobe_official_accounts_only_on_both_tracks() -> None:
    high = kobe(HIGH)["checklists"]["build"]
    low = kobe(LOW)["checklists"]["build"]
    assert [i["text"] for i in high if i["id"] == "build.high.official-accounts"] == [
        "外部サービス利用のための公用アカウントを作成すること。私用アカウントでの外部サービス利用は禁止する。"
    ]
    assert [i["source"]["clause"] for i in low if i["id"] == "build.low.official-accounts"] == ["5.2.2④"]


def test_kobe_internet_login_measure_only_when_logging_in_from_the_internet() -> None:
    assert "build.access.internet-login" not in ids(kobe(HIGH), "build")
    result = kobe({**HIGH, "direct_internet_login": True})
    assert clause(result, "build.access.internet-login") == "3.5.1ク"


def test_kobe_availability_design_only_for_availability_two_or_above() -> None:
    assert "build.design.availability" not in ids(kobe(HIGH), "build")
    assert "build.design.availability" in ids(kobe({**HIGH, "availability": "2"}), "build")
    assert "build.design.availability" in ids(kobe({**HIGH, "availability": "3"}), "build")


def test_kobe_availability_design_is_not_asked_on_the_low_track() -> None:
    assert "build.design.availability" not in all_ids(kobe({**LOW, "availability": "2"}))


@pytest.mark.parametrize("model", ["iaas", "paas", "other", "saas", "web_conference", "sns"])
def test_kobe_virtual_machine_measures_for_every_service_model(model: str) -> None:
    # 3.5.1キ names no service model; where no VM is configured the answer is 該当なし.
    assert clause(kobe({**HIGH, "service_model": model}), "build.access.virtual-machines") == "3.5.1キ"


def test_kobe_high_track_operation_rules_cover_section_3_6_a_to_i() -> None:
    clauses = [i["source"]["clause"] for i in kobe(HIGH)["checklists"]["operation"]]
    assert clauses[:9] == [f"3.6①{k}" for k in "アイウエオカキクケ"]
    assert "3.6②" in clauses


def test_kobe_corrective_action_applies_on_both_tracks() -> None:
    for facts in (HIGH, LOW):
        items = kobe(facts)["checklists"]["operation"]
        (item,) = [i for i in items if i["id"] == "ops.corrective-action"]
        assert item["source"]["clause"] == "6.2"
        assert "速やかに外部サービスの利用を中止しなければならない" in item["text"]


def test_kobe_high_track_termination_follows_section_7_1() -> None:
    clauses = [i["source"]["clause"] for i in kobe(HIGH)["checklists"]["termination"]]
    assert [c for c in clauses if c.startswith("7.1")] == [f"7.1{n}" for n in "①②③④⑤⑥"]


@pytest.mark.parametrize(
    "extra",
    [{"handles_personal_info": True}, {"handles_specific_personal_info": True}, {"confidentiality": "3"}],
)
def test_kobe_high_track_disposal_erases_by_deleting_the_key(extra: dict[str, Any]) -> None:
    # 3.7③: 機密性の高い情報（住民情報等）を保存する場合は
    judged = kobe({**HIGH, **extra})
    (item,) = [i for i in judged["checklists"]["termination"] if i["id"] == "term.high.crypto-erase"]
    assert item["source"]["clause"] == "3.7③"
    assert "暗号化した鍵（暗号鍵）を削除する" in item["text"]
    assert "build.crypto.encrypt-sensitive-data" in all_ids(judged)
    assert {"term.high.crypto-erase", "build.crypto.encrypt-sensitive-data"}.isdisjoint(all_ids(kobe(HIGH)))


def test_kobe_low_track_termination_only_retires_the_ledger_entry() -> None:
    (item,) = kobe(LOW)["checklists"]["termination"]
    assert item["source"]["clause"] == "7.2"
    assert "稼働中から廃止済みに変更する" in item["text"]


def test_kobe_citizen_services_follow_these_rules_by_analogy() -> None:
    assert "sel.citizens.select-per-standard" not in all_ids(kobe(HIGH))
    for facts in (HIGH, LOW):
        result = kobe({**facts, "user_scope": "citizens"})
        assert clause(result, "sel.citizens.select-per-standard") == "2.3"


def test_kobe_standard_terms_acceptability_item_only_with_terms_only() -> None:
    assert "sel.high.standard-terms-acceptable" not in all_ids(kobe(HIGH))
    assert "sel.low.standard-terms-acceptable" not in all_ids(kobe(LOW))
    assert clause(kobe({**HIGH, "terms_only": True}), "sel.high.standard-terms-acceptable") == "3.2エ"
    assert clause(kobe({**LOW, "terms_only": True}), "sel.low.standard-terms-acceptable") == "4.2エ"


def test_kobe_contractor_item_only_when_operated_by_contractor() -> None:
    assert "sel.contractor.submit-requirements" not in all_ids(kobe(HIGH))
    result = kobe({**LOW, "operated_by_contractor": True})
    assert clause(result, "sel.contractor.submit-requirements") == "5.3"


def test_kobe_judging_terms_is_a_risk_decision() -> None:
    items = kobe({**HIGH, "terms_only": True})["checklists"]["selection"]
    responses = {i["id"]: i["response"] for i in items}
    assert responses["sel.high.unfavourable-terms"] == "accept_or_mitigate"
    assert responses["sel.high.standard-terms-acceptable"] == "accept_or_mitigate"
    assert responses["sel.high.include-requirements"] == "confirm"


# ── findings ────────────────────────────────────────────────────────────────


def test_kobe_typical_use_raises_only_the_certification_note() -> None:
    assert codes(kobe(HIGH)) == {"certification_missing": "info"}
    assert codes(kobe({**LOW, "certifications": ["ISMAP-LIU"]})) == {}


def test_kobe_missing_clauses_block_the_high_track_unless_a_special_agreement() -> None:
    result = kobe({**HIGH, "required_clauses_present": False})
    (finding,) = [f for f in result["findings"] if f["code"] == "required_clauses_missing"]
    assert finding["severity"] == "block"
    assert finding["source"]["clause"] == "3.2エ"
    assert "特約" in finding["message"]


def test_kobe_missing_clauses_block_the_low_track_too() -> None:
    result = kobe({**LOW, "required_clauses_present": False})
    (finding,) = [f for f in result["findings"] if f["code"] == "required_clauses_missing"]
    assert finding["severity"] == "block"
    assert finding["source"]["clause"] == "4.2エ"
    assert "原則として利用できない" in finding["message"]


def test_kobe_clauses_present_raise_no_missing_clauses_finding() -> None:
    assert "required_clauses_missing" not in codes(kobe(HIGH))
    assert "required_clauses_missing" not in codes(kobe(LOW))


def test_kobe_terms_only_asks_whether_the_terms_are_acceptable() -> None:
    high = kobe({**HIGH, "terms_only": True})
    low = kobe({**LOW, "terms_only": True})
    # 3.2エ / 4.2エ: 受容可能か判断する (a must: the judgment is explained before submission).
    assert codes(high)["standard_terms_only"] == "block"
    assert codes(low)["standard_terms_only"] == "block"
    assert {f["source"]["clause"] for f in high["findings"] if f["code"] == "standard_terms_only"} == {
        "3.2エ"
    }
    assert {f["source"]["clause"] for f in low["findings"] if f["code"] == "standard_terms_only"} == {"4.2エ"}


def test_kobe_terms_only_warns_of_damages_caps() -> None:
    result = kobe({**HIGH, "terms_only": True})
    (finding,) = [f for f in result["findings"] if f["code"] == "unfavourable_terms"]
    assert finding["severity"] == "warn"
    assert "損害賠償について上限" in finding["message"]


def test_kobe_negotiated_terms_raise_no_terms_findings() -> None:
    found = codes(kobe(HIGH))
    assert "standard_terms_only" not in found
    assert "unfavourable_terms" not in found


def test_kobe_data_abroad_is_a_country_risk_not_a_refusal() -> None:
    assert codes(kobe({**HIGH, "data_location": "US"}))["data_outside_japan"] == "warn"
    assert "data_outside_japan" not in codes(kobe(HIGH))


def test_kobe_foreign_law_is_a_country_risk_not_a_refusal() -> None:
    assert codes(kobe({**HIGH, "governing_law": "US"}))["foreign_governing_law"] == "warn"
    assert "foreign_governing_law" not in codes(kobe(HIGH))


def test_kobe_contractor_must_submit_the_requirements_sheet() -> None:
    result = kobe({**HIGH, "operated_by_contractor": True})
    (finding,) = [f for f in result["findings"] if f["code"] == "contractor_submission"]
    assert finding["severity"] == "block"  # 5.3: 提出させ…確認するものとする
    assert finding["source"]["clause"] == "5.3"
    assert "contractor_submission" not in codes(kobe(HIGH))


def test_kobe_any_certification_silences_the_certification_note() -> None:
    assert "certification_missing" not in codes(kobe({**HIGH, "certifications": ["ISO27001"]}))


def test_kobe_personal_information_adds_no_finding_the_seed_does_not_have() -> None:
    facts = {**HIGH, "handles_personal_info": True, "handles_specific_personal_info": True}
    assert codes(kobe(facts)) == codes(kobe(HIGH))


def test_kobe_no_rule_blocks_a_typical_use() -> None:
    for facts in (HIGH, LOW):
        assert all(f["severity"] != "block" for f in kobe(facts)["findings"])


# ── rechecks ────────────────────────────────────────────────────────────────


def rechecks() -> dict[str, Any]:
    return {r.id: r for r in load_pack("kobe").pack.rechecks}


def test_kobe_service_manager_rechecks_on_changed_terms_configuration_or_incident() -> None:
    recheck = rechecks()["recheck.terms-config-incident"]
    assert set(recheck.triggers) == {"terms_changed", "configuration_changed", "incident"}
    assert recheck.responsible == "service_manager"
    assert recheck.source.clause == "6.1"


def test_kobe_security_manager_may_order_a_recheck_reported_back() -> None:
    recheck = rechecks()["recheck.ordered-by-security-manager"]
    assert set(recheck.triggers) == {"vulnerability", "incident", "ordered"}
    assert recheck.responsible == "service_manager"
    assert recheck.report_to == "security_manager"
    assert recheck.source.clause == "6.3"


def test_kobe_periodic_operation_check_has_no_interval() -> None:
    recheck = rechecks()["recheck.periodic-operation"]
    assert list(recheck.triggers) == ["periodic"]
    assert recheck.interval_months is None
    assert recheck.track == "high"
    assert recheck.responsible == "administrator"


def test_kobe_has_no_web_conference_rules() -> None:
    assert load_pack("kobe").pack.meeting is None
