"""Amagasaki's クラウドサービスの利用に関する規定 (seed 000) as the amagasaki pack applies it."""

from __future__ import annotations

from typing import Any

import pytest

from kumokan.policy.tests.installed import judge, load_pack

SEED = "000_6738fc87fdfdac6f.txt"
HIGH_DOC = "（２以上）"
LOW_DOC = "（２未満）"

HIGH: dict[str, Any] = {
    "service_name": "文書共有サービス",
    "provider": "株式会社テスト",
    "purpose": "庁内の文書共有",
    "service_model": "saas",
    "confidentiality": "2",
}
LOW: dict[str, Any] = {**HIGH, "confidentiality": "1"}


def amagasaki(facts: dict[str, Any]) -> dict[str, Any]:
    return judge(facts, ["amagasaki"])


def ids(judgment: dict[str, Any], phase: str) -> list[str]:
    return [item["id"] for item in judgment["checklists"][phase]]


def all_ids(judgment: dict[str, Any]) -> set[str]:
    return {item["id"] for items in judgment["checklists"].values() for item in items}


def all_items(judgment: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for items in judgment["checklists"].values() for item in items]


def codes(judgment: dict[str, Any]) -> dict[str, str]:
    """Each finding's code with its severity (codes appear at most once per judgment)."""
    found = [(f["code"], f["severity"]) for f in judgment["findings"]]
    assert len({c for c, _ in found}) == len(found)
    return dict(found)


def finding(judgment: dict[str, Any], code: str) -> dict[str, Any]:
    matching: list[dict[str, Any]] = [f for f in judgment["findings"] if f["code"] == code]
    (found,) = matching
    assert found["source"]["file"] == SEED
    return found


def clause(judgment: dict[str, Any], item_id: str) -> str:
    for item in all_items(judgment):
        if item["id"] == item_id:
            assert item["source"]["file"] == SEED
            return str(item["source"]["clause"])
    raise AssertionError(item_id)


# ── tracks ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("level", ["2", "3"])
def test_amagasaki_confidentiality_two_or_above_takes_the_high_track(level: str) -> None:
    result = amagasaki({**HIGH, "confidentiality": level})
    assert result["track"] == "high"
    assert result["track_label"] == "機密性２以上の情報を取り扱う場合"


def test_amagasaki_confidentiality_one_takes_the_low_track() -> None:
    result = amagasaki(LOW)
    assert result["track"] == "low"
    assert result["track_label"] == "機密性２以上の情報を取り扱わない場合"


def test_amagasaki_high_track_is_approved_by_the_head_of_digital_promotion() -> None:
    result = amagasaki(HIGH)
    assert result["approver"]["title"] == "デジタル推進課長"
    assert result["approver"]["role"] == "approver"
    assert result["approver"]["source"] == {"file": SEED, "clause": "（２以上）3⑵"}
    assert result["self_approval"] is False


def test_amagasaki_low_track_is_approved_by_the_same_approver_not_self_approved() -> None:
    result = amagasaki(LOW)
    assert result["approver"]["title"] == "デジタル推進課長"
    assert result["approver"]["role"] == "approver"
    # （２未満）3.2（２） does not define the 許可権限者; the title is （２以上）3⑵'s, and the note says so.
    assert result["approver"]["source"]["clause"] == "（２以上）3⑵"
    assert "（２未満）3.2（２）" in result["approver"]["note"]
    assert result["self_approval"] is False


def test_amagasaki_information_security_manager_applies_on_both_tracks() -> None:
    high = amagasaki(HIGH)["applicant"]
    low = amagasaki(LOW)["applicant"]
    assert (high["title"], high["role"], high["source"]["clause"]) == (
        "情報セキュリティ管理者",
        "applicant",
        "（２以上）4.2（１）",
    )
    assert (low["title"], low["role"], low["source"]["clause"]) == (
        "情報セキュリティ管理者",
        "applicant",
        "（２未満）3.2（１）",
    )


def test_amagasaki_service_manager_is_the_head_of_the_owning_section() -> None:
    for facts, source in ((HIGH, "（２以上）3⑷"), (LOW, "（２未満）2")):
        manager = amagasaki(facts)["service_manager"]
        assert manager["title"] == "クラウドサービス管理者"
        assert manager["designation"] == "owning_department_head"
        assert "クラウドサービスを所管する課室長等" in manager["rule"]
        assert "情報セキュリティ管理者と兼務することは可能" in manager["rule"]
        assert manager["source"] == {"file": SEED, "clause": source}


def test_amagasaki_names_an_approver_on_both_tracks() -> None:
    assert "approver_not_configured" not in codes(amagasaki(HIGH))
    assert "approver_not_configured" not in codes(amagasaki(LOW))


def test_amagasaki_roles_carry_the_city_titles() -> None:
    pack = load_pack("amagasaki").pack
    titles = {entry.role.value: (entry.title, entry.source.clause) for entry in pack.roles}
    assert titles["chief"] == ("統括情報セキュリティ責任者", "（２以上）3⑴")
    assert titles["approver"] == ("デジタル推進課長", "（２以上）3⑵")
    assert titles["department_head"] == ("情報セキュリティ責任者", "（２以上）3⑶")
    assert titles["service_manager"] == ("クラウドサービス管理者", "（２以上）3⑷")


# ── forms ───────────────────────────────────────────────────────────────────


def test_amagasaki_high_track_submits_form_1_with_the_security_requirements_sheet() -> None:
    forms = amagasaki(HIGH)["forms"]
    assert [(f["id"], f["title"], f["source"]["clause"]) for f in forms] == [
        (
            "様式1",
            "クラウドサービス利用申請書兼許可書（機密性２以上の情報を取り扱う場合）",
            "（２以上）4.2（１）",
        ),
        ("別紙", "セキュリティ要件の確認結果", "（２以上）4.2（１）"),
    ]


def test_amagasaki_low_track_submits_form_1_and_the_form_2_checklist() -> None:
    forms = amagasaki(LOW)["forms"]
    assert [(f["id"], f["title"], f["source"]["clause"]) for f in forms] == [
        (
            "様式1",
            "クラウドサービス利用申請書兼許可書（機密性２以上の情報を取り扱わない場合）",
            "（２未満）3.2（１）",
        ),
        (
            "様式2",
            "クラウドサービス利用申請時確認事項（機密性２以上の情報を取り扱わない場合）",
            "（２未満）3.2（１）",
        ),
    ]


# ── ledger ──────────────────────────────────────────────────────────────────


def test_amagasaki_seed_enumerates_no_ledger_fields() -> None:
    assert amagasaki(HIGH)["ledger_fields"] == []
    assert amagasaki(LOW)["ledger_fields"] == []


# ── citations ───────────────────────────────────────────────────────────────


def test_amagasaki_every_high_track_rule_cites_the_confidentiality_two_document() -> None:
    facts = {
        **HIGH,
        "handles_specific_personal_info": True,
        "direct_internet_login": True,
        "data_location": "US",
    }
    result = amagasaki({**facts, "service_model": "iaas"})
    cited = [*all_items(result), *result["findings"], result["approver"], result["applicant"]]
    assert all(entry["source"]["clause"].startswith(HIGH_DOC) for entry in cited)


def test_amagasaki_every_low_track_item_cites_the_below_two_document() -> None:
    result = amagasaki({**LOW, "service_model": "iaas", "direct_internet_login": True})
    assert all_items(result)
    assert all(item["source"]["clause"].startswith(LOW_DOC) for item in all_items(result))


# ── checklists per phase ────────────────────────────────────────────────────


def test_amagasaki_typical_high_track_saas_item_counts() -> None:
    counts = {phase: len(items) for phase, items in amagasaki(HIGH)["checklists"].items()}
    assert counts == {"selection": 3, "procurement": 2, "build": 19, "operation": 24, "termination": 7}


def test_amagasaki_typical_low_track_saas_item_counts() -> None:
    counts = {phase: len(items) for phase, items in amagasaki(LOW)["checklists"].items()}
    assert counts == {"selection": 4, "procurement": 0, "build": 0, "operation": 4, "termination": 1}


def test_amagasaki_high_track_selection_follows_4_1_a_to_c() -> None:
    clauses = [i["source"]["clause"] for i in amagasaki(HIGH)["checklists"]["selection"]]
    assert clauses == ["（２以上）4⑴ア", "（２以上）4⑴イ", "（２以上）4⑴ウ"]


def test_amagasaki_low_track_selection_follows_3_1() -> None:
    items = amagasaki(LOW)["checklists"]["selection"]
    assert [i["source"]["clause"] for i in items] == ["（２未満）3.1"] * 4
    assert "3.3 に規定する情報セキュリティ対策" in items[2]["text"]


def test_amagasaki_low_track_risk_acceptance_is_notified_on_form_2() -> None:
    items = amagasaki(LOW)["checklists"]["selection"]
    (item,) = [i for i in items if i["id"] == "sel.low.risk-acceptance-notice"]
    assert item["response"] == "accept_or_mitigate"
    assert "（様式２）" in item["text"]
    assert "リスクの受容可否" in item["text"]


def test_amagasaki_procurement_puts_security_requirements_and_sla_in_the_contract() -> None:
    items = amagasaki(HIGH)["checklists"]["procurement"]
    assert [i["source"]["clause"] for i in items] == ["（２以上）4.1", "（２以上）4.1"]
    assert "4.3、4.4及び4.5" in items[0]["text"]
    assert "サービスレベル契約（SLA）" in items[1]["text"]


def test_amagasaki_low_track_has_no_procurement_build_or_high_operation_items() -> None:
    result = amagasaki(LOW)
    assert result["checklists"]["procurement"] == []
    assert result["checklists"]["build"] == []
    assert not any(i.startswith(("ops.policy.", "ops.access.", "ops.crypto.")) for i in all_ids(result))


def test_amagasaki_low_track_operation_follows_3_3() -> None:
    items = amagasaki(LOW)["checklists"]["operation"]
    assert [i["id"] for i in items] == [
        "ops.low.check-sharing-settings",
        "ops.low.backup",
        "ops.low.remind-users",
        "ops.low.incident-contacts",
    ]
    assert {i["source"]["clause"] for i in items} == {"（２未満）3.3"}


def test_amagasaki_high_track_does_not_get_the_low_track_items() -> None:
    assert not any(".low." in item_id for item_id in all_ids(amagasaki(HIGH)))


def test_amagasaki_build_checklist_gates_going_live() -> None:
    facts = {**HIGH, "service_model": "iaas", "direct_internet_login": True}
    result = amagasaki(facts)
    build = result["checklists"]["build"]
    assert len(build) == 20
    assert all(i["required_before_operation"] for i in build)
    assert all(i["source"]["clause"].startswith("（２以上）4.3") for i in build)
    others = [i for phase, items in result["checklists"].items() if phase != "build" for i in items]
    assert not any(i["required_before_operation"] for i in others)


def test_amagasaki_privileged_accounts_use_multi_factor_authentication() -> None:
    (item,) = [i for i in amagasaki(HIGH)["checklists"]["build"] if i["id"] == "build.access.admin-mfa"]
    assert "強化された認証技術（多要素認証）" in item["text"]
    assert item["source"]["clause"] == "（２以上）4.3＜アクセス制御に関する事項＞"


def test_amagasaki_internet_login_decision_only_when_logging_in_from_the_internet() -> None:
    assert "build.access.internet-login" not in all_ids(amagasaki(HIGH))
    result = amagasaki({**HIGH, "direct_internet_login": True})
    assert clause(result, "build.access.internet-login") == "（２以上）4.3＜アクセス制御に関する事項＞"


def test_amagasaki_internet_login_decision_is_not_asked_on_the_low_track() -> None:
    assert "build.access.internet-login" not in all_ids(amagasaki({**LOW, "direct_internet_login": True}))


@pytest.mark.parametrize("model", ["iaas", "paas", "other", "saas", "web_conference", "sns"])
def test_amagasaki_virtual_machine_measures_for_every_service_model(model: str) -> None:
    # 4.3 and 4.4 set no IaaS/PaaS limit; where no VM is configured the applicant answers 該当なし.
    result = amagasaki({**HIGH, "service_model": model})
    assert clause(result, "build.access.virtual-machines") == "（２以上）4.3＜アクセス制御に関する事項＞"
    assert (
        clause(result, "ops.config.vm-network-isolation")
        == "（２以上）4.4＜運用・保守時における設計・設定に関する事項＞"
    )


def test_amagasaki_region_in_japan_and_japanese_law_are_build_checks() -> None:
    result = amagasaki(HIGH)
    assert clause(result, "build.other.japanese-law-and-courts") == "（２以上）4.3＜その他＞"
    assert clause(result, "build.other.domestic-region") == "（２以上）4.3＜その他＞"
    assert clause(result, "build.other.no-storage-abroad") == "（２以上）4.3＜その他＞"


def test_amagasaki_personal_info_safeguards_item_when_personal_info_is_handled() -> None:
    assert "sel.high.personal-info-safeguards" not in all_ids(amagasaki(HIGH))
    result = amagasaki({**HIGH, "handles_personal_info": True})
    assert clause(result, "sel.high.personal-info-safeguards") == "（２以上）4⑴エ"
    assert "sel.high.pia" not in all_ids(result)


def test_amagasaki_specific_personal_info_counts_as_personal_info() -> None:
    # 4⑴エ: 個人情報（特定個人情報を含む）
    result = amagasaki({**HIGH, "handles_specific_personal_info": True})
    assert "sel.high.personal-info-safeguards" in all_ids(result)


def test_amagasaki_pia_item_only_with_specific_personal_info() -> None:
    assert "sel.high.pia" not in all_ids(amagasaki({**HIGH, "handles_personal_info": True}))
    result = amagasaki({**HIGH, "handles_specific_personal_info": True})
    assert clause(result, "sel.high.pia") == "（２以上）4⑴エ"
    assert ids(result, "selection")[-2:] == ["sel.high.personal-info-safeguards", "sel.high.pia"]


def test_amagasaki_low_document_has_no_personal_info_items() -> None:
    facts = {**LOW, "handles_personal_info": True, "handles_specific_personal_info": True}
    assert all_ids(amagasaki(facts)) == all_ids(amagasaki(LOW))


def test_amagasaki_responsibility_boundary_is_a_risk_decision() -> None:
    items = {i["id"]: i for i in amagasaki(HIGH)["checklists"]["operation"]}
    assert items["ops.policy.responsibility-boundary"]["response"] == "accept_or_mitigate"
    assert items["ops.policy.approved-services-only"]["response"] == "confirm"


def test_amagasaki_users_report_incidents_to_the_service_manager() -> None:
    result = amagasaki(HIGH)
    (item,) = [
        i for i in result["checklists"]["operation"] if i["id"] == "ops.incident.users-report-to-manager"
    ]
    assert "クラウドサービス管理者へ報告を行う" in item["text"]


def test_amagasaki_high_track_termination_follows_4_5_then_reports_the_end() -> None:
    items = amagasaki(HIGH)["checklists"]["termination"]
    clauses = [i["source"]["clause"] for i in items]
    assert all(c.startswith("（２以上）4.5＜") for c in clauses[:6])
    assert clauses[6] == "（２以上）4.2（３）"
    assert "移行計画書又は終了計画書" in items[0]["text"]


def test_amagasaki_low_track_termination_only_reports_the_end() -> None:
    (item,) = amagasaki(LOW)["checklists"]["termination"]
    assert item["id"] == "term.low.report-end"
    assert item["source"]["clause"] == "（２未満）3.2（３）"
    assert "終了を報告する" in item["text"]


def test_amagasaki_every_item_has_an_english_gloss() -> None:
    for item in load_pack("amagasaki").pack.items:
        assert item.text_en, item.id


# ── findings ────────────────────────────────────────────────────────────────


def test_amagasaki_typical_use_raises_no_finding() -> None:
    assert codes(amagasaki(HIGH)) == {}
    assert codes(amagasaki(LOW)) == {}


def test_amagasaki_specific_personal_info_may_need_a_pia() -> None:
    result = amagasaki({**HIGH, "handles_specific_personal_info": True})
    found = finding(result, "pia_required")
    assert found["severity"] == "warn"
    assert found["source"]["clause"] == "（２以上）4⑴エ"
    assert "PIA（特定個人情報保護評価）" in found["message"]


def test_amagasaki_personal_info_alone_needs_no_pia() -> None:
    found = codes(amagasaki({**HIGH, "handles_personal_info": True}))
    assert "pia_required" not in found
    assert found["personal_info_safeguards"] == "block"


def test_amagasaki_personal_info_requires_the_legal_safeguards() -> None:
    for facts in ({**HIGH, "handles_personal_info": True}, {**HIGH, "handles_specific_personal_info": True}):
        found = finding(amagasaki(facts), "personal_info_safeguards")
        assert found["severity"] == "block"  # 4⑴エ: 安全管理措置を行う
        assert "安全管理措置" in found["message"]


def test_amagasaki_low_document_raises_no_personal_info_findings() -> None:
    facts = {**LOW, "handles_personal_info": True, "handles_specific_personal_info": True}
    assert codes(amagasaki(facts)) == {}


def test_amagasaki_data_abroad_blocks_until_a_domestic_region_is_explained() -> None:
    found = finding(amagasaki({**HIGH, "data_location": "US"}), "data_outside_japan")
    assert found["severity"] == "block"  # 4.3＜その他＞: 国内に指定すること
    assert "リージョン（国・地域）を国内に指定すること" in found["message"]
    assert found["source"]["clause"] == "（２以上）4.3＜その他＞"


def test_amagasaki_foreign_law_blocks_since_japanese_law_and_courts_must_apply() -> None:
    found = finding(amagasaki({**HIGH, "governing_law": "US"}), "foreign_governing_law")
    assert found["severity"] == "block"  # 4.3＜その他＞: 適用されること
    assert found["message"] == "日本の裁判管轄、法令が適用されること。"


def test_amagasaki_country_findings_are_not_raised_on_the_low_track() -> None:
    found = codes(amagasaki({**LOW, "data_location": "US", "governing_law": "US"}))
    assert "data_outside_japan" not in found
    assert "foreign_governing_law" not in found


def test_amagasaki_missing_clauses_block_on_the_high_track_only() -> None:
    found = finding(amagasaki({**HIGH, "required_clauses_present": False}), "required_clauses_missing")
    assert found["severity"] == "block"
    assert "対処方法について、規定されているか" in found["message"]
    assert "required_clauses_missing" not in codes(amagasaki({**LOW, "required_clauses_present": False}))


def test_amagasaki_standard_terms_note_that_requirements_must_be_in_place() -> None:
    found = finding(amagasaki({**HIGH, "terms_only": True}), "standard_terms_only")
    assert found["severity"] == "block"  # 4.1: 適切に講じられているかを確認すること
    assert found["source"]["clause"] == "（２以上）4.1"
    assert "standard_terms_only" not in codes(amagasaki({**LOW, "terms_only": True}))


def test_amagasaki_asks_for_no_certification_and_no_contractor_submission() -> None:
    found = codes(amagasaki({**HIGH, "certifications": [], "operated_by_contractor": True}))
    assert "certification_missing" not in found
    assert "contractor_submission" not in found


def test_amagasaki_only_the_musts_block_and_the_low_document_raises_nothing() -> None:
    worst = {
        "handles_personal_info": True,
        "handles_specific_personal_info": True,
        "terms_only": True,
        "required_clauses_present": False,
        "data_location": "US",
        "governing_law": "US",
        "direct_internet_login": True,
        "operated_by_contractor": True,
    }
    assert codes(amagasaki({**HIGH, **worst})) == {
        "personal_info_safeguards": "block",
        "pia_required": "warn",  # 必要に応じて
        "foreign_governing_law": "block",
        "data_outside_japan": "block",
        "required_clauses_missing": "block",
        "standard_terms_only": "block",
    }
    assert codes(amagasaki({**LOW, **worst})) == {}


# ── rechecks ────────────────────────────────────────────────────────────────


def rechecks() -> dict[str, Any]:
    return {r.id: r for r in load_pack("amagasaki").pack.rechecks}


def test_amagasaki_service_manager_confirms_usage_periodically_for_the_chief() -> None:
    recheck = rechecks()["recheck.high.usage-status"]
    assert list(recheck.triggers) == ["periodic"]
    assert recheck.interval_months is None
    assert recheck.track == "high"
    assert recheck.responsible == "service_manager"
    assert recheck.report_to == "chief"
    assert recheck.source.clause == "（２以上）4.6"


def test_amagasaki_low_track_usage_status_is_confirmed_periodically_too() -> None:
    recheck = rechecks()["recheck.low.usage-status"]
    assert list(recheck.triggers) == ["periodic"]
    assert recheck.track == "low"
    assert recheck.responsible == "service_manager"
    assert recheck.source.clause == "（２未満）3.4"


def test_amagasaki_access_rights_are_reviewed_at_transfers_and_retirements() -> None:
    recheck = rechecks()["recheck.access-rights"]
    assert set(recheck.triggers) == {"periodic", "personnel_change"}
    assert "異動時、退職時" in recheck.text


def test_amagasaki_provider_changes_to_terms_or_settings_are_checked() -> None:
    recheck = rechecks()["recheck.provider-changes"]
    assert set(recheck.triggers) == {"terms_changed", "configuration_changed"}
    assert recheck.source.clause == "（２以上）4.4＜運用・保守時における設計・設定に関する事項＞"


def test_amagasaki_seed_gives_no_recheck_interval() -> None:
    assert all(r.interval_months is None for r in rechecks().values())


def test_amagasaki_has_no_web_conference_rules() -> None:
    assert load_pack("amagasaki").pack.meeting is None


def test_amagasaki_judgment_lists_the_rechecks_of_its_track() -> None:
    high = {r["id"] for r in amagasaki(HIGH)["rechecks"]}
    low = {r["id"] for r in amagasaki(LOW)["rechecks"]}
    assert "recheck.high.usage-status" in high
    assert "recheck.access-rights" in high
    assert "recheck.low.usage-status" not in high
    assert low == {"recheck.low.usage-status", "recheck.low.sharing-settings", "recheck.low.remind-users"}


def test_amagasaki_build_items_are_grouped_under_the_seed_headings() -> None:
    groups = [i["group"] for i in amagasaki({**HIGH, "service_model": "iaas"})["checklists"]["build"]]
    assert list(dict.fromkeys(groups)) == [
        "＜アクセス制御に関する事項＞",
        "＜暗号化に関する事項＞",
        "＜設計・設定及び開発に関する事項＞",
        "＜その他＞",
    ]
