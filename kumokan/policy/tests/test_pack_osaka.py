"""The osaka pack says what 大阪市クラウドサービス関連ガイドライン (seed 002) says, and no more."""

from __future__ import annotations

from typing import Any

import pytest

from kumokan.policy.conditions import Context, holds
from kumokan.policy.loader import validate_file
from kumokan.policy.tests.installed import judge, load_pack

SEED = "002_ea3d2ceb2cab952b.txt"

SAAS = {
    "service_name": "議事録作成支援サービス",
    "provider": "株式会社サンプル",
    "purpose": "会議録の作成",
    "service_model": "saas",
    "confidentiality": "2",
}

IAAS_PAAS_ONLY = [
    ("selection", "sel.iaas-paas.common-cloud"),
    ("selection", "sel.common-cloud.cloud-shift"),
    ("selection", "sel.common-cloud.cost-effects"),
    ("selection", "sel.common-cloud.oracle-licence"),
    ("procurement", "proc.iaas-paas.apply-digital-office"),
    ("procurement", "proc.iaas-paas.spec-common-cloud"),
    ("build", "build.settings.iaas-paas-items"),
    ("build", "build.iam.central-keys"),
    ("build", "build.object-storage"),
    ("build", "build.network.perimeter"),
    ("build", "build.central-management"),
    ("build", "build.key-management"),
    ("build", "build.database"),
    ("build", "build.containers"),
    ("build", "build.settings.penetration-test"),
    ("build", "build.risk.oss-managed"),
    ("build", "build.common-cloud.redundancy-backup"),
    ("operation", "ops.lifecycle.renewal-plan"),
    ("operation", "ops.common-cloud.shutdown-plan"),
    ("operation", "ops.common-cloud.usage-forecast"),
    ("operation", "ops.new-provider-features"),
]

IAAS_ONLY = [
    ("build", "build.split.iaas"),
    ("build", "build.vm.encryption-endpoint"),
    ("operation", "ops.split.iaas-os-middleware"),
    ("operation", "ops.vm.patch-av-monitoring"),
]

PAAS_ONLY = [
    ("build", "build.split.paas"),
    ("build", "build.paas-applications"),
]

SAAS_ONLY = [
    ("procurement", "proc.saas.method"),
    ("procurement", "proc.saas.spec-writing"),
    ("procurement", "proc.saas.trial"),
    ("procurement", "proc.saas.build-contract"),
    ("procurement", "proc.saas.osaka-only-saas"),
    ("procurement", "proc.no-code.licence-only"),
    ("procurement", "proc.no-code.with-development"),
    ("procurement", "proc.no-code.app-rights"),
    ("procurement", "proc.split.saas-on-other-iaas"),
    ("build", "build.split.saas"),
    ("operation", "ops.split.linked-saas"),
]

SIER = [
    ("build", "build.split.sier"),
    ("build", "build.communication.sier-briefing"),
    ("operation", "ops.communication.sier-releases"),
    ("operation", "ops.communication.sier-provider-support"),
]


def osaka(**changes: Any) -> dict[str, Any]:
    return judge({**SAAS, **changes}, ["osaka"])


def ids(judgment: dict[str, Any], phase: str) -> list[str]:
    return [item["id"] for item in judgment["checklists"][phase]]


def codes(judgment: dict[str, Any]) -> list[str]:
    return [finding["code"] for finding in judgment["findings"]]


def finding(judgment: dict[str, Any], code: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [f for f in judgment["findings"] if f["code"] == code]
    assert len(found) == 1, code
    return found[0]


def counts(judgment: dict[str, Any]) -> dict[str, int]:
    return {phase: len(items) for phase, items in judgment["checklists"].items()}


def test_osaka_pack_validates_clean() -> None:
    assert validate_file(load_pack("osaka").path) == []


@pytest.mark.parametrize(("code", "track"), [("1", "low"), ("2", "high"), ("3", "high")])
def test_osaka_high_track_starts_at_confidentiality_2(code: str, track: str) -> None:
    assert osaka(confidentiality=code)["track"] == track


def test_osaka_track_labels_state_the_mic_mapping_and_the_important_asset_split() -> None:
    high, low = osaka()["track_label"], osaka(confidentiality="1")["track_label"]
    assert "自治体機密性2以上" in high and "重要情報資産を取り扱う場合" in high
    assert "自治体機密性2以上" in low and "重要情報資産を取り扱わない場合" in low
    assert osaka()["track_source"] == {"file": SEED, "clause": "第2章2.1"}


def test_osaka_high_track_names_no_approver_and_blocks_until_one_is_configured() -> None:
    result = osaka()
    assert result["approver"] is None
    gap = result["findings"][0]
    assert (gap["code"], gap["severity"]) == ("approver_not_configured", "block")
    assert (
        "許可権限者" in gap["message"]
        and "6 クラウドサービスの利用(重要情報資産を取り扱う場合)" in gap["message"]
    )
    assert gap["source"] == {"file": SEED, "clause": "第2章2.1"}


def test_osaka_low_track_names_no_approver_and_blocks_until_one_is_configured() -> None:
    result = osaka(confidentiality="1")
    assert result["approver"] is None
    gap = result["findings"][0]
    assert (gap["code"], gap["severity"]) == ("approver_not_configured", "block")
    assert "7 クラウドサービスの利用(重要情報資産を取り扱わない場合)" in gap["message"]


def test_osaka_configured_approver_fills_the_gap() -> None:
    result = judge(SAAS, ["osaka"], configured_approver="デジタル統括室長")
    assert result["approver"]["title"] == "デジタル統括室長"
    assert "approver_not_configured" not in codes(result)


@pytest.mark.parametrize("confidentiality", ["1", "2"])
def test_osaka_applicant_is_each_section(confidentiality: str) -> None:
    result = osaka(confidentiality=confidentiality)
    assert result["applicant"]["title"] == "各所属"
    # The guideline names no applicant (第3章3 is about the life cycle): the city's setting.
    assert result["applicant"]["source"] == {"file": SEED, "clause": "自治体の設定", "basis": "configuration"}
    assert "第3章1.1(4)" in result["applicant"]["note"]
    assert result["self_approval"] is False


@pytest.mark.parametrize("confidentiality", ["1", "2"])
def test_osaka_service_manager_designation_is_left_to_the_municipality(confidentiality: str) -> None:
    manager = osaka(confidentiality=confidentiality)["service_manager"]
    assert manager["title"] == "クラウドサービス管理者"
    assert manager["designation"] == "unspecified"
    assert "定めていない" in manager["rule"]


@pytest.mark.parametrize("confidentiality", ["1", "2"])
def test_osaka_names_no_application_form(confidentiality: str) -> None:
    assert osaka(confidentiality=confidentiality)["forms"] == []


@pytest.mark.parametrize("confidentiality", ["1", "2"])
def test_osaka_names_no_ledger_fields(confidentiality: str) -> None:
    assert osaka(confidentiality=confidentiality)["ledger_fields"] == []


def test_osaka_typical_high_track_saas_item_counts() -> None:
    assert counts(osaka()) == {
        "selection": 16,
        "procurement": 29,
        "build": 28,
        "operation": 19,
        "termination": 0,
    }


def test_osaka_typical_low_track_saas_item_counts() -> None:
    assert counts(osaka(confidentiality="1")) == {
        "selection": 16,
        "procurement": 29,
        "build": 28,
        "operation": 19,
        "termination": 0,
    }


def test_osaka_survey_of_lgwan_asp_and_saas_market_comes_first() -> None:
    assert ids(osaka(), "selection")[:4] == [
        "sel.survey.saas",
        "sel.survey.lgwan-asp-list",
        "sel.survey.lgwan-environment",
        "sel.survey.saas-market",
    ]


def test_osaka_high_track_selects_under_section_6_of_the_usage_standard() -> None:
    selection = ids(osaka(), "selection")
    assert "sel.riyou-kijun.important" in selection
    assert "sel.riyou-kijun.not-important" not in selection


def test_osaka_low_track_selects_under_section_7_of_the_usage_standard() -> None:
    selection = ids(osaka(confidentiality="1"), "selection")
    assert "sel.riyou-kijun.not-important" in selection
    assert "sel.riyou-kijun.important" not in selection


def test_osaka_tracks_differ_only_in_the_usage_standard_section() -> None:
    high, low = osaka(), osaka(confidentiality="1")
    for phase in ("procurement", "build", "operation", "termination"):
        assert ids(high, phase) == ids(low, phase)
    assert set(ids(high, "selection")) ^ set(ids(low, "selection")) == {
        "sel.riyou-kijun.important",
        "sel.riyou-kijun.not-important",
    }


def test_osaka_office_pc_restrictions_are_each_an_item() -> None:
    office = [i for i in ids(osaka(), "selection") if i.startswith("sel.office-pc.")]
    assert office == [
        "sel.office-pc.http-https-only",
        "sel.office-pc.no-plugins",
        "sel.office-pc.multi-proxy",
        "sel.office-pc.browser",
        "sel.office-pc.bandwidth",
        "sel.office-pc.consult-digital-office",
    ]


def test_osaka_sla_template_rows_are_each_a_procurement_item() -> None:
    sla = [
        i for i in osaka()["checklists"]["procurement"] if i["source"]["clause"].startswith("第3章2.3 SLA")
    ]
    assert [i["id"] for i in sla] == [
        "proc.sla.availability",
        "proc.sla.performance-monitoring",
        "proc.sla.backup",
        "proc.sla.virus-patterns",
        "proc.sla.log-retention",
        "proc.sla.id-password",
        "proc.sla.patching",
        "proc.sla.support-hours",
    ]
    assert [i["source"]["clause"] for i in sla] == [f"第3章2.3 SLA(例)項{n}" for n in range(1, 9)]
    assert "9:00～17:30" in sla[-1]["text"]


@pytest.mark.parametrize(("phase", "item"), IAAS_PAAS_ONLY)
def test_osaka_iaas_paas_item_is_listed_for_iaas_and_paas_only(phase: str, item: str) -> None:
    assert item in ids(osaka(service_model="iaas"), phase)
    assert item in ids(osaka(service_model="paas"), phase)
    assert item not in ids(osaka(), phase)


@pytest.mark.parametrize(("phase", "item"), IAAS_ONLY)
def test_osaka_iaas_item_is_listed_for_iaas_only(phase: str, item: str) -> None:
    assert item in ids(osaka(service_model="iaas"), phase)
    assert item not in ids(osaka(service_model="paas"), phase)
    assert item not in ids(osaka(), phase)


@pytest.mark.parametrize(("phase", "item"), PAAS_ONLY)
def test_osaka_paas_item_is_listed_for_paas_only(phase: str, item: str) -> None:
    assert item in ids(osaka(service_model="paas"), phase)
    assert item not in ids(osaka(service_model="iaas"), phase)
    assert item not in ids(osaka(), phase)


@pytest.mark.parametrize(("phase", "item"), SAAS_ONLY)
def test_osaka_saas_item_is_listed_for_saas_only(phase: str, item: str) -> None:
    # 第1章1.1(1)①: ASP services count as SaaS; web conferences and SNS are read the same way.
    for model in ("saas", "web_conference", "sns"):
        assert item in ids(osaka(service_model=model), phase)
    assert item not in ids(osaka(service_model="iaas"), phase)
    assert item not in ids(osaka(service_model="other"), phase)


@pytest.mark.parametrize(("phase", "item"), SIER)
def test_osaka_sier_item_is_listed_for_iaas_paas_or_contractor_operation(phase: str, item: str) -> None:
    assert item in ids(osaka(service_model="iaas"), phase)
    assert item in ids(osaka(operated_by_contractor=True), phase)
    assert item not in ids(osaka(), phase)


def test_osaka_sign_up_procurement_applies_only_to_standard_terms() -> None:
    negotiated, terms_only = osaka(), osaka(terms_only=True)
    assert "proc.saas.sign-up" not in ids(negotiated, "procurement")
    assert "proc.saas.sign-up" in ids(terms_only, "procurement")


def test_osaka_the_city_contract_does_not_apply_to_standard_terms_but_licence_procurement_does() -> None:
    assert "proc.saas.service-contract" in ids(osaka(), "procurement")
    assert "proc.saas.service-contract" not in ids(osaka(terms_only=True), "procurement")
    # 第3章1.1(1): a licence bought from a reseller still comes under the provider's terms.
    assert "proc.saas.licence-procurement" in ids(osaka(), "procurement")
    assert "proc.saas.licence-procurement" in ids(osaka(terms_only=True), "procurement")


def test_osaka_vpn_for_important_information_is_high_track_iaas_paas_only() -> None:
    assert "build.network.vpn-important" in ids(osaka(service_model="iaas"), "build")
    assert "build.network.vpn-important" not in ids(osaka(service_model="iaas", confidentiality="1"), "build")
    assert "build.network.vpn-important" not in ids(osaka(), "build")


def test_osaka_citizen_side_only_common_cloud_use_requires_city_ownership() -> None:
    item = "sel.common-cloud.public-side-only"
    assert item in ids(osaka(service_model="paas", user_scope="citizens"), "selection")
    assert item in ids(osaka(service_model="iaas", user_scope="contractors"), "selection")
    assert item not in ids(osaka(service_model="iaas"), "selection")
    assert item not in ids(osaka(user_scope="citizens"), "selection")


def test_osaka_guideline_has_no_termination_items() -> None:
    assert osaka(service_model="iaas")["checklists"]["termination"] == []


def test_osaka_standard_terms_raise_a_warning() -> None:
    assert "standard_terms_only" not in codes(osaka())
    found = finding(osaka(terms_only=True), "standard_terms_only")
    assert found["severity"] == "warn"
    assert found["source"]["clause"] == "第1章3.1"


def test_osaka_foreign_governing_law_raises_a_warning() -> None:
    assert "foreign_governing_law" not in codes(osaka())
    found = finding(osaka(governing_law="US"), "foreign_governing_law")
    assert found["severity"] == "warn"
    assert found["source"]["clause"] == "第4章3.7(1)⑤"


def test_osaka_data_centre_abroad_must_be_checked_for_confidential_data() -> None:
    # 第4章3.7(1)⑥: 特に機密性の高いデータを扱う場合は…確認する.
    assert "data_outside_japan" not in codes(osaka())
    for confidentiality, severity in (("1", "info"), ("2", "block")):
        found = finding(osaka(data_location="SG", confidentiality=confidentiality), "data_outside_japan")
        assert found["severity"] == severity
        assert found["source"]["clause"] == "第4章3.7(1)⑥"


@pytest.mark.parametrize("model", ["iaas", "paas"])
def test_osaka_iaas_paas_is_reminded_that_saas_is_the_default(model: str) -> None:
    found = finding(osaka(service_model=model), "saas_by_default")
    assert found["severity"] == "block"  # 第1章1.1: SaaS を基本とし、難しい場合に IaaS・PaaS
    assert "saas_by_default" not in codes(osaka())


@pytest.mark.parametrize("deployment", ["private", "community", "government"])
def test_osaka_non_public_cloud_is_reminded_of_the_public_cloud_premise(deployment: str) -> None:
    # 第1章1.1(2): パブリック・クラウドの利用を前提に検討します.
    assert finding(osaka(deployment=deployment), "public_cloud_premise")["severity"] == "warn"
    assert "public_cloud_premise" not in codes(osaka())


def test_osaka_the_missing_approver_and_the_guideline_s_musts_block() -> None:
    everything = osaka(
        service_model="iaas",
        deployment="private",
        terms_only=True,
        governing_law="US",
        data_location="US",
        required_clauses_present=False,
        handles_specific_personal_info=True,
        operated_by_contractor=True,
    )
    assert [f["code"] for f in everything["findings"] if f["severity"] == "block"] == [
        "approver_not_configured",
        "data_outside_japan",
        "saas_by_default",
    ]


def test_osaka_raises_no_finding_the_guideline_does_not_make() -> None:
    result = osaka(
        handles_personal_info=True,
        handles_specific_personal_info=True,
        required_clauses_present=False,
        operated_by_contractor=True,
    )
    assert codes(result) == ["approver_not_configured"]


def test_osaka_saas_continuation_is_reviewed_about_every_three_years() -> None:
    pack = load_pack("osaka").pack
    (recheck,) = [r for r in pack.rechecks if r.id == "recheck.saas-continuation"]
    assert recheck.interval_months == 36
    assert recheck.source.clause == "第3章3"
    orders = pack.orders()
    assert holds(recheck.when, Context({"service_model": "saas"}, "high", orders))
    assert not holds(recheck.when, Context({"service_model": "iaas"}, "high", orders))


def test_osaka_periodic_rechecks_without_a_stated_interval_leave_it_open() -> None:
    pack = load_pack("osaka").pack
    periodic = {r.id: r.interval_months for r in pack.rechecks if "periodic" in r.triggers}
    assert periodic == {
        "recheck.saas-continuation": 36,
        "recheck.common-cloud.saas-feasibility": None,
        "recheck.common-cloud.server-spec": None,
        "recheck.settings.periodic": None,
        "recheck.settings.external-diagnosis": None,
    }


def test_osaka_provider_changes_trigger_a_check_outside_the_periodic_one() -> None:
    pack = load_pack("osaka").pack
    (recheck,) = [r for r in pack.rechecks if r.id == "recheck.settings.provider-changes"]
    assert [t.value for t in recheck.triggers] == ["configuration_changed"]
    assert recheck.interval_months is None


def test_osaka_every_item_cites_the_osaka_seed_and_has_an_english_gloss() -> None:
    pack = load_pack("osaka").pack
    for item in pack.items:
        assert pack.source_file(item.source) == SEED, item.id
        assert item.text_en, item.id
    for recheck in pack.rechecks:
        assert recheck.text_en, recheck.id
