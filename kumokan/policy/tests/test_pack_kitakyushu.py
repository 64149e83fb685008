"""Kitakyushu's クラウドサービス利用基準 (seed 001) as the kitakyushu pack applies it."""

from __future__ import annotations

from typing import Any

import pytest

from kumokan.policy import FactsError
from kumokan.policy.tests.installed import judge, load_pack, meeting

SEED = "001_4592fdea49096e9a.txt"

HIGH: dict[str, Any] = {
    "service_name": "文書共有サービス",
    "provider": "株式会社テスト",
    "purpose": "庁内の文書共有",
    "service_model": "saas",
    "confidentiality": "第2種",
}
LOW: dict[str, Any] = {**HIGH, "confidentiality": "その他"}
HOST: dict[str, Any] = {"important_information": False, "role": "host"}
PARTICIPANT: dict[str, Any] = {"important_information": False, "role": "participant"}


def kitakyushu(facts: dict[str, Any]) -> dict[str, Any]:
    return judge(facts, ["kitakyushu"])


def ids(judgment: dict[str, Any], phase: str) -> list[str]:
    return [item["id"] for item in judgment["checklists"][phase]]


def all_ids(judgment: dict[str, Any]) -> set[str]:
    return {item["id"] for items in judgment["checklists"].values() for item in items}


def item(judgment: dict[str, Any], item_id: str) -> dict[str, Any]:
    for items in judgment["checklists"].values():
        for entry in items:
            if entry["id"] == item_id:
                assert entry["source"]["file"] == SEED
                return entry
    raise AssertionError(item_id)


def findings(judgment: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Each finding as (code, severity, clause)."""
    return [(f["code"], f["severity"], f["source"]["clause"]) for f in judgment["findings"]]


def measures(facts: dict[str, Any]) -> list[str]:
    return [m["id"] for m in meeting(facts, "kitakyushu")["measures"]]


def meeting_findings(facts: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["code"], f["severity"]) for f in meeting(facts, "kitakyushu")["findings"]]


# ── classification and tracks ──────────────────────────────────────────────


@pytest.mark.parametrize("level", ["第1種", "第2種"])
def test_kitakyushu_important_information_assets_take_the_high_track(level: str) -> None:
    assert kitakyushu({**HIGH, "confidentiality": level})["track"] == "high"


def test_kitakyushu_other_information_takes_the_low_track() -> None:
    result = kitakyushu(LOW)
    assert result["track"] == "low"
    assert result["track_source"] == {"file": SEED, "clause": "2(2)"}


def test_kitakyushu_rejects_another_citys_classification_codes() -> None:
    with pytest.raises(FactsError):
        kitakyushu({**HIGH, "confidentiality": "2"})


def test_kitakyushu_availability_defaults_to_the_lowest_class() -> None:
    assert kitakyushu(HIGH)["classification"]["availability"]["code"] == "その他"


def test_kitakyushu_high_track_is_approved_by_the_ciso() -> None:
    result = kitakyushu(HIGH)
    assert result["approver"]["title"] == "CISO"
    assert result["approver"]["role"] == "chief"
    assert result["approver"]["source"] == {"file": SEED, "clause": "5.1(1)"}
    assert result["self_approval"] is False


def test_kitakyushu_high_track_applicant_is_the_department_head() -> None:
    applicant = kitakyushu(HIGH)["applicant"]
    assert applicant["title"] == "所属長"
    assert applicant["role"] == "department_head"
    assert applicant["source"]["clause"] == "5.2(1)①"


def test_kitakyushu_high_track_service_manager_is_designated_by_the_ciso() -> None:
    manager = kitakyushu(HIGH)["service_manager"]
    assert manager["title"] == "クラウドサービス管理者"
    assert manager["designation"] == "designated_by_approver"
    assert "クラウドサービス管理者を指名する" in manager["rule"]
    assert manager["source"]["clause"] == "5.2(1)③"


def test_kitakyushu_low_track_is_approved_by_the_department_head() -> None:
    result = kitakyushu(LOW)
    assert result["approver"]["title"] == "所属長"
    assert result["approver"]["role"] == "department_head"
    assert result["approver"]["source"]["clause"] == "5.1(2)"


def test_kitakyushu_low_track_staff_apply_so_it_is_not_self_approval() -> None:
    result = kitakyushu(LOW)
    assert result["applicant"]["title"] == "職員"
    assert result["applicant"]["role"] == "staff"
    assert result["applicant"]["source"]["clause"] == "5.2(2)①"
    assert result["self_approval"] is False


def test_kitakyushu_low_track_approving_department_head_becomes_service_manager() -> None:
    manager = kitakyushu(LOW)["service_manager"]
    assert manager["designation"] == "approver"
    assert "自らがクラウドサービス管理者となる" in manager["rule"]
    assert manager["source"]["clause"] == "5.2(2)②"


@pytest.mark.parametrize("facts", [HIGH, LOW])
def test_kitakyushu_names_no_application_form(facts: dict[str, Any]) -> None:
    assert kitakyushu(facts)["forms"] == []


def test_kitakyushu_applications_are_split_per_function() -> None:
    assert load_pack("kitakyushu").pack.workflow.one_application_per_function is not None


def test_kitakyushu_ledger_changes_are_reported_to_the_system_department() -> None:
    reported_to = load_pack("kitakyushu").pack.workflow.ledger_changes_reported_to
    assert reported_to is not None
    assert reported_to.title == "システム管理部門"
    assert reported_to.role == "system_department"


# ── ledger ─────────────────────────────────────────────────────────────────

LEDGER = [
    ("service_name", "クラウドサービスの名称（必要に応じて機能名までを含む）", "ア"),
    ("provider_name", "クラウドサービス提供者の名称", "イ"),
    ("purpose", "利用目的（業務内容）", "ウ"),
    ("classification", "取り扱う情報の格付", "エ"),
    ("period", "利用期間", "オ"),
    ("applicant", "利用申請者（所属・氏名）", "カ"),
    ("user_scope", "利用者の範囲（自組織の関係者内に限る、部局内に限るなど）", "キ"),
    ("service_manager", "クラウドサービス管理者（所属・補職名）", "ク"),
    ("other", "その他必要な項目", "ケ"),
]


@pytest.mark.parametrize("facts", [HIGH, LOW])
def test_kitakyushu_ledger_records_fields_a_to_i_on_both_tracks(facts: dict[str, Any]) -> None:
    fields = kitakyushu(facts)["ledger_fields"]
    assert [(f["id"], f["label"]) for f in fields] == [(i, label) for i, label, _ in LEDGER]
    for field, (_, _, letter) in zip(fields, LEDGER, strict=True):
        assert field["source"]["clause"] == f"5.2(1)④({letter})・5.2(2)③({letter})"


def test_kitakyushu_high_track_records_the_ledger_and_reports_it() -> None:
    entry = item(kitakyushu(HIGH), "build.ledger.record-and-report")
    assert "システム管理部門へ報告" in entry["text"]
    assert entry["source"]["clause"] == "3.3②"
    assert "op.ledger.update-and-report" in ids(kitakyushu(HIGH), "operation")


def test_kitakyushu_low_track_enters_and_corrects_its_own_ledger() -> None:
    low = kitakyushu(LOW)
    assert ids(low, "build") == ["build.low.register-ledger"]
    assert "op.low.keep-ledger-current" in ids(low, "operation")
    assert "build.ledger.record-and-report" not in all_ids(low)


# ── item counts per phase ──────────────────────────────────────────────────


def test_kitakyushu_typical_high_track_saas_item_counts() -> None:
    counts = {phase: len(items) for phase, items in kitakyushu(HIGH)["checklists"].items()}
    # 3.3①(ア)(ウ)(エ) set no IaaS/PaaS limit (three more build items); 3.1(9)①(イ) is kept up during use.
    assert counts == {"selection": 26, "procurement": 3, "build": 23, "operation": 28, "termination": 6}


def test_kitakyushu_typical_low_track_saas_item_counts() -> None:
    counts = {phase: len(items) for phase, items in kitakyushu(LOW)["checklists"].items()}
    assert counts == {"selection": 11, "procurement": 0, "build": 1, "operation": 6, "termination": 0}


def test_kitakyushu_every_item_cites_the_seed() -> None:
    result = kitakyushu({**HIGH, "service_model": "iaas", "direct_internet_login": True})
    for items in result["checklists"].values():
        for entry in items:
            assert entry["source"]["file"] == SEED
            assert entry["text"]


# ── selection ──────────────────────────────────────────────────────────────


def test_kitakyushu_high_track_selection_follows_section_3_1() -> None:
    clauses = {item(kitakyushu(HIGH), i)["source"]["clause"] for i in ids(kitakyushu(HIGH), "selection")}
    assert {"3.1(1)", "3.1(2)", "3.1(3)", "3.1(4)", "3.1(5)", "3.1(6)"} <= clauses
    assert {"3.1(7)①", "3.1(7)②", "3.1(9)②", "3.1(9)④(イ)"} <= clauses
    assert {f"3.1(8){n}" for n in "①②③④⑤⑥⑦⑧"} <= clauses
    assert all(c.startswith("3.1(") for c in clauses)


def test_kitakyushu_high_track_asks_for_iso27001_level() -> None:
    assert "ISO/IEC27001" in item(kitakyushu(HIGH), "sel.high.iso27001-level")["text"]


def test_kitakyushu_low_track_risks_a_to_h_are_accepted_or_mitigated() -> None:
    low = kitakyushu(LOW)
    risks = [i for i in low["checklists"]["selection"] if i["id"].startswith("sel.low.risk.")]
    assert [r["source"]["clause"] for r in risks] == [f"4.1(2)({k})" for k in "アイウエオカキク"]
    assert {r["response"] for r in risks} == {"accept_or_mitigate"}
    assert {r["track"] for r in risks} == {"low"}


def test_kitakyushu_low_track_risks_are_not_asked_on_the_high_track() -> None:
    assert not any(i.startswith("sel.low.") for i in all_ids(kitakyushu(HIGH)))


def test_kitakyushu_high_track_selection_conditions_are_not_asked_on_the_low_track() -> None:
    low = kitakyushu(LOW)
    assert not any(i.startswith(("sel.high.", "proc.", "term.")) for i in all_ids(low))


def test_kitakyushu_low_track_applicant_confirms_the_terms_risks_are_acceptable() -> None:
    entry = item(kitakyushu(LOW), "sel.low.terms-risk-acceptable")
    assert entry["source"]["clause"] == "4.2"
    assert entry["response"] == "confirm"


@pytest.mark.parametrize("facts", [HIGH, LOW])
def test_kitakyushu_citizen_services_are_selected_by_this_document(facts: dict[str, Any]) -> None:
    citizens = kitakyushu({**facts, "user_scope": "citizens"})
    assert item(citizens, "sel.citizens.select-per-this-standard")["source"]["clause"] == "2(3)"
    assert "sel.citizens.select-per-this-standard" not in all_ids(kitakyushu(facts))


# ── build ──────────────────────────────────────────────────────────────────


def test_kitakyushu_three_procedures_are_required_before_operation() -> None:
    required = [i for i in kitakyushu(HIGH)["checklists"]["build"] if i["required_before_operation"]]
    assert [i["source"]["clause"] for i in required] == ["3.3③(ア)", "3.3③(イ)", "3.3③(ウ)"]


def test_kitakyushu_only_the_three_procedures_are_required_before_operation() -> None:
    flagged = [
        i["id"]
        for items in kitakyushu(HIGH)["checklists"].values()
        for i in items
        if i["required_before_operation"]
    ]
    assert flagged == [
        "build.procedures.security-level",
        "build.procedures.incident-response",
        "build.procedures.recovery",
    ]


def test_kitakyushu_internet_login_measure_only_when_logging_in_from_the_internet() -> None:
    assert "build.access.internet-login" in ids(kitakyushu({**HIGH, "direct_internet_login": True}), "build")
    assert "build.access.internet-login" not in all_ids(kitakyushu(HIGH))


def test_kitakyushu_internet_login_measure_is_not_asked_on_the_low_track() -> None:
    assert "build.access.internet-login" not in all_ids(kitakyushu({**LOW, "direct_internet_login": True}))


@pytest.mark.parametrize("model", ["iaas", "paas"])
def test_kitakyushu_infrastructure_measures_where_the_city_builds_on_the_service(model: str) -> None:
    build = ids(kitakyushu({**HIGH, "service_model": model}), "build")
    for item_id in (
        "build.access.virtual-machines",
        "build.dev.third-party-licences",
        "build.design.monitor-cross-zone-traffic",
    ):
        assert item_id in build


def test_kitakyushu_infrastructure_measures_apply_to_saas_too() -> None:
    # 3.3①(ア)(ウ)(エ) name no service model; where nothing is configured the answer is 該当なし.
    build = ids(kitakyushu(HIGH), "build")
    assert "build.access.virtual-machines" in build
    assert "build.dev.third-party-licences" in build
    assert "build.design.monitor-cross-zone-traffic" in build


def test_kitakyushu_build_confirms_implementation_through_deliverables() -> None:
    assert item(kitakyushu(HIGH), "build.confirm-deliverables")["source"]["clause"] == "3.3④"


# ── operation ──────────────────────────────────────────────────────────────


@pytest.mark.parametrize("level", ["第1種", "第2種"])
def test_kitakyushu_availability_drills_for_availability_classes_one_and_two(level: str) -> None:
    entry = item(kitakyushu({**HIGH, "availability": level}), "op.continuity.availability-drills")
    assert entry["source"]["clause"] == "3.4①(ク)"


def test_kitakyushu_no_availability_drills_for_other_availability() -> None:
    assert "op.continuity.availability-drills" not in all_ids(kitakyushu(HIGH))


def test_kitakyushu_high_track_operation_covers_section_3_4_a_to_h() -> None:
    high = kitakyushu({**HIGH, "availability": "第1種"})
    clauses = {item(high, i)["source"]["clause"] for i in ids(high, "operation")}
    expected = {f"3.4①({k})" for k in "アイウエオカキク"} | {"3.4②", "3.4③", "3.4④", "3.4⑤"}
    assert expected | {"3.1(9)①(イ)"} == clauses  # 適宜把握する: a duty while in use


def test_kitakyushu_incidents_follow_the_citys_accident_guidelines() -> None:
    assert (
        "北九州市情報セキュリティ事故に関する対応要綱"
        in item(kitakyushu(HIGH), "op.incident-response")["text"]
    )


def test_kitakyushu_low_track_operating_points_follow_section_4_1_3() -> None:
    low = kitakyushu(LOW)
    clauses = [item(low, i)["source"]["clause"] for i in ids(low, "operation")]
    assert clauses[:4] == ["4.1(3)①(ア)", "4.1(3)①(イ)", "4.1(3)①(ウ)", "4.1(3)②"]


@pytest.mark.parametrize("facts", [HIGH, LOW])
def test_kitakyushu_web_conference_services_point_to_the_meeting_procedure(facts: dict[str, Any]) -> None:
    conference = kitakyushu({**facts, "service_model": "web_conference"})
    assert item(conference, "op.web-conference.follow-procedure")["source"]["clause"] == "6.1(1)"
    assert "op.web-conference.follow-procedure" not in all_ids(kitakyushu(facts))


# ── termination ────────────────────────────────────────────────────────────


def test_kitakyushu_high_track_termination_follows_section_3_5() -> None:
    high = kitakyushu(HIGH)
    clauses = [item(high, i)["source"]["clause"] for i in ids(high, "termination")]
    assert clauses == ["3.5①(ア)", "3.5①(ア)", "3.5①(イ)", "3.5①(ウ)", "3.5①(ウ)", "3.5②"]


# ── findings ───────────────────────────────────────────────────────────────


def test_kitakyushu_typical_high_track_use_raises_only_the_certification_finding() -> None:
    # 3.1(2): ISO/IEC27001等と同等以上の水準を求めること (a must: explained before submission).
    assert findings(kitakyushu(HIGH)) == [("certification_missing", "block", "3.1(2)")]


@pytest.mark.parametrize("cert", ["ISO27001", "ISO27017", "ISMAP", "SOC2", "CS-Mark"])
def test_kitakyushu_a_certification_the_seed_names_silences_the_warning(cert: str) -> None:
    assert findings(kitakyushu({**HIGH, "certifications": [cert]})) == []


def test_kitakyushu_low_track_asks_for_no_certification() -> None:
    assert findings(kitakyushu(LOW)) == []


def test_kitakyushu_the_musts_block() -> None:
    worst = {
        **HIGH,
        "required_clauses_present": False,
        "terms_only": True,
        "data_location": "US",
        "governing_law": "US",
        "handles_personal_info": True,
        "handles_specific_personal_info": True,
        "operated_by_contractor": True,
    }
    assert {(code, severity) for code, severity, _ in findings(kitakyushu(worst))} == {
        ("required_clauses_missing", "block"),
        ("standard_terms_only", "block"),
        ("certification_missing", "block"),
        ("data_outside_japan", "block"),
        ("foreign_governing_law", "block"),
    }
    assert {
        (code, severity) for code, severity, _ in findings(kitakyushu({**worst, "confidentiality": "その他"}))
    } == {
        ("standard_terms_only", "block"),
        ("data_outside_japan", "warn"),
        ("foreign_governing_law", "info"),
    }


def test_kitakyushu_missing_clauses_block_on_the_high_track() -> None:
    found = findings(kitakyushu({**HIGH, "required_clauses_present": False}))
    assert ("required_clauses_missing", "block", "3.1(4)") in found


def test_kitakyushu_missing_clauses_are_not_a_low_track_finding() -> None:
    found = findings(kitakyushu({**LOW, "required_clauses_present": False}))
    assert "required_clauses_missing" not in {code for code, _, _ in found}


def test_kitakyushu_standard_terms_must_still_carry_the_specification_on_the_high_track() -> None:
    found = findings(kitakyushu({**HIGH, "terms_only": True}))
    assert ("standard_terms_only", "block", "3.2②") in found


def test_kitakyushu_standard_terms_are_a_risk_check_on_the_low_track() -> None:
    # 4.2: リスクが許容できることを確認した上で…申請すること.
    assert findings(kitakyushu({**LOW, "terms_only": True})) == [("standard_terms_only", "block", "4.2")]


def test_kitakyushu_data_abroad_blocks_on_the_high_track_until_the_risk_is_assessed() -> None:
    found = findings(kitakyushu({**HIGH, "data_location": "US"}))
    assert ("data_outside_japan", "block", "3.1(5)") in found


def test_kitakyushu_data_abroad_is_a_seizure_risk_on_the_low_track() -> None:
    assert findings(kitakyushu({**LOW, "data_location": "US"})) == [
        ("data_outside_japan", "warn", "4.1(2)(ウ)")
    ]


def test_kitakyushu_foreign_law_blocks_on_the_high_track_until_the_risk_is_assessed() -> None:
    found = findings(kitakyushu({**HIGH, "governing_law": "US"}))
    assert ("foreign_governing_law", "block", "3.1(5)") in found


def test_kitakyushu_foreign_law_is_a_country_risk_on_the_low_track() -> None:
    assert findings(kitakyushu({**LOW, "governing_law": "US"})) == [
        ("foreign_governing_law", "info", "2(4)④")  # §4 asks for no Japanese law
    ]


def test_kitakyushu_personal_information_adds_no_finding_the_seed_does_not_have() -> None:
    found = findings(
        kitakyushu({**LOW, "handles_personal_info": True, "handles_specific_personal_info": True})
    )
    assert found == []


def test_kitakyushu_contractors_add_no_finding_the_seed_does_not_have() -> None:
    assert findings(kitakyushu({**LOW, "operated_by_contractor": True})) == []


# ── rechecks ───────────────────────────────────────────────────────────────


def rechecks(facts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in kitakyushu(facts)["rechecks"]}


def test_kitakyushu_department_head_confirms_implementation_periodically_without_interval() -> None:
    periodic = rechecks(HIGH)["recheck.periodic-confirmation"]
    assert periodic["triggers"] == ["periodic"]
    assert periodic["interval_months"] is None
    assert periodic["responsible"] == "department_head"
    assert periodic["source"]["clause"] == "3.4⑤"


def test_kitakyushu_new_threats_trigger_a_review() -> None:
    review = rechecks(HIGH)["recheck.new-threats"]
    assert set(review["triggers"]) == {"vulnerability", "incident"}
    assert review["source"]["clause"] == "3.4③"


def test_kitakyushu_access_rights_are_reviewed_periodically() -> None:
    review = rechecks(HIGH)["recheck.access-rights"]
    assert review["triggers"] == ["periodic"]
    assert review["interval_months"] is None
    assert review["source"]["clause"] == "3.4①(エ)"


def test_kitakyushu_provider_change_notices_trigger_a_check() -> None:
    assert set(rechecks(HIGH)["recheck.provider-change-notice"]["triggers"]) == {
        "terms_changed",
        "configuration_changed",
    }


def test_kitakyushu_low_track_rechecks_are_the_periodic_points_of_4_1_3() -> None:
    low = rechecks(LOW)
    assert set(low) == {"recheck.low.settings-review", "recheck.low.remind-users"}
    assert {r["interval_months"] for r in low.values()} == {None}


def test_kitakyushu_no_recheck_states_an_interval() -> None:
    pack = load_pack("kitakyushu").pack
    assert [r.interval_months for r in pack.rechecks] == [None] * len(pack.rechecks)


# ── web conferences (§6) ───────────────────────────────────────────────────

EVERYONE = ["meeting.all.issued-device", "meeting.all.latest-software", "meeting.all.headphones"]
HOST_MEASURES = [
    "meeting.host.password",
    "meeting.host.password-safe-notice",
    "meeting.host.waiting-room",
    "meeting.host.remove-suspicious",
]


def test_kitakyushu_participant_without_important_information_takes_the_basic_measures() -> None:
    assert measures(PARTICIPANT) == EVERYONE


def test_kitakyushu_host_keeps_outsiders_out_of_the_meeting() -> None:
    host = measures(HOST)
    for measure in HOST_MEASURES:
        assert measure in host
    assert "meeting.host.cloud-or-on-premises" in host


def test_kitakyushu_participants_take_no_host_measures() -> None:
    assert not any(
        m.startswith("meeting.host.") for m in measures({**PARTICIPANT, "important_information": True})
    )


def test_kitakyushu_important_information_asks_for_e2e_and_no_e2e_breaking_features() -> None:
    important = measures({**PARTICIPANT, "important_information": True})
    assert "meeting.important.e2e" in important
    assert "meeting.important.no-e2e-breaking-features" in important
    assert "meeting.important.e2e" not in measures(PARTICIPANT)


def test_kitakyushu_important_meeting_with_outsiders_sends_the_password_another_way() -> None:
    host = measures({**HOST, "important_information": True, "outside_participants": True})
    assert "meeting.important.password-by-another-route" in host
    assert "meeting.important.voice-face-check" in host
    assert "meeting.important.domestic-data-centres" in host


def test_kitakyushu_important_meeting_without_outsiders_needs_no_outsider_checks() -> None:
    host = measures({**HOST, "important_information": True})
    assert "meeting.important.password-by-another-route" not in host
    assert "meeting.important.voice-face-check" not in host
    assert "meeting.important.e2e-product" in host


def test_kitakyushu_outsiders_without_important_information_need_no_voice_check() -> None:
    host = measures({**HOST, "outside_participants": True})
    assert "meeting.important.voice-face-check" not in host
    assert "meeting.lecture.secure-communication" in host


def test_kitakyushu_recordings_ask_for_secure_delete() -> None:
    assert "meeting.recording.secure-delete" in measures({**PARTICIPANT, "recording": True})
    assert "meeting.recording.secure-delete" not in measures(PARTICIPANT)


def test_kitakyushu_meeting_measures_cite_section_6() -> None:
    result = meeting({**HOST, "important_information": True, "outside_participants": True}, "kitakyushu")
    for measure in result["measures"]:
        assert measure["source"]["file"] == SEED
        assert measure["source"]["clause"].startswith("6.")


def test_kitakyushu_every_meeting_assumes_participants_keep_the_content() -> None:
    assert ("meeting_content_kept_by_participants", "info") in meeting_findings(HOST)


def test_kitakyushu_invited_participants_should_leave_nothing_stored() -> None:
    assert ("invited_keep_nothing_stored", "info") in meeting_findings(PARTICIPANT)
    assert "invited_keep_nothing_stored" not in dict(meeting_findings(HOST))


def test_kitakyushu_free_plan_has_no_contract_fixing_the_data_centre_country() -> None:
    assert ("free_plan_data_centre_not_contracted", "info") in meeting_findings({**HOST, "free_plan": True})
    assert "free_plan_data_centre_not_contracted" not in dict(meeting_findings(HOST))


def test_kitakyushu_free_plan_with_important_information_warns() -> None:
    found = meeting_findings({**HOST, "free_plan": True, "important_information": True})
    assert ("free_plan_data_centre_not_contracted", "warn") in found
    assert ("free_plan_data_centre_not_contracted", "info") not in found


def test_kitakyushu_recording_important_information_conflicts_with_e2e() -> None:
    found = meeting_findings({**HOST, "recording": True, "important_information": True})
    assert ("recording_breaks_e2e", "warn") in found
    assert "recording_breaks_e2e" not in dict(meeting_findings({**HOST, "recording": True}))


def test_kitakyushu_no_meeting_finding_blocks() -> None:
    worst = {"important_information": True, "role": "host", "outside_participants": True}
    found = meeting_findings({**worst, "recording": True, "free_plan": True})
    assert "block" not in {severity for _, severity in found}
