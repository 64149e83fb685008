"""The special-terms overlay (seed 004, クラウドサービスの特記事項) judged on top of a municipality's pack."""

from __future__ import annotations

from typing import Any

import pytest

from kumokan.policy import FactsError
from kumokan.policy.tests.installed import judge, load_pack

SEED = "004_b62cca484ad22969.txt"
OVERLAY = "special-terms"

# The overlay is judged after a municipality pack.
CITIES = ["kobe", "amagasaki"]

HIGH: dict[str, Any] = {
    "service_name": "文書共有サービス",
    "provider": "株式会社テスト",
    "purpose": "庁内の文書共有",
    "service_model": "saas",
    "confidentiality": "2",
}
LOW: dict[str, Any] = {**HIGH, "confidentiality": "1"}
STAR: dict[str, Any] = {**HIGH, "municipal_confidentiality": "3B", "deployment": "public"}

# What the municipality pack alone decides; the overlay adds only items and findings.
CITY_DECIDES = (
    "track",
    "approver",
    "self_approval",
    "applicant",
    "service_manager",
    "forms",
    "ledger_fields",
)

# A typical SaaS: not 3B/3C on a public cloud, no direct login from the internet.
TYPICAL_COUNTS = {"selection": 0, "procurement": 3, "build": 13, "operation": 17, "termination": 2}


def with_overlay(facts: dict[str, Any], city: str = "kobe") -> dict[str, Any]:
    return judge(facts, [city, OVERLAY])


def overlay_ids(judgment: dict[str, Any], phase: str | None = None) -> list[str]:
    phases = [phase] if phase else list(judgment["checklists"])
    return [i["id"] for p in phases for i in judgment["checklists"][p] if i["pack"] == OVERLAY]


def overlay_findings(judgment: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The overlay's findings by code (each code at most once, merged with the city's: CONTRACT.md)."""
    found = [f for f in judgment["findings"] if OVERLAY in f.get("packs", [f["pack"]])]
    assert len({f["code"] for f in found}) == len(found)
    return {f["code"]: f for f in found}


def overlay_item(judgment: dict[str, Any], item_id: str) -> dict[str, Any]:
    for items in judgment["checklists"].values():
        for item in items:
            if item["pack"] == OVERLAY and item["id"] == item_id:
                return item
    raise AssertionError(item_id)


# ── the pack itself ─────────────────────────────────────────────────────────


def test_special_terms_is_an_overlay_and_cannot_be_judged_alone() -> None:
    assert load_pack(OVERLAY).pack.kind == "overlay"
    with pytest.raises(FactsError, match="overlay"):
        judge(HIGH, [OVERLAY])


def test_every_numbered_row_of_the_seed_is_an_item_citing_its_clause() -> None:
    pack = load_pack(OVERLAY).pack
    cited = {item.id: item.source.clause for item in pack.items}
    expected = {f"st.confirm.{n}": f"確認事項 No.{n}" for n in range(1, 5)}
    expected |= {f"st.build.{n}": f"導入・構築時 No.{n}" for n in range(1, 15)}
    expected |= {f"st.ops.{n}": f"運用・保守時 No.{n}" for n in range(1, 20)}
    assert cited == expected
    assert len(pack.items) == 37
    assert all(pack.source_file(item.source) == SEED for item in pack.items)


def test_every_item_has_an_english_gloss() -> None:
    assert all(item.text_en for item in load_pack(OVERLAY).pack.items)


def test_confirmation_rows_go_into_the_procurement_specification() -> None:
    phases = {item.id: item.phase.value for item in load_pack(OVERLAY).pack.items}
    assert {phases[f"st.confirm.{n}"] for n in range(1, 5)} == {"procurement"}


def test_build_rows_are_build_items() -> None:
    phases = {item.id: item.phase.value for item in load_pack(OVERLAY).pack.items}
    assert {phases[f"st.build.{n}"] for n in range(1, 15)} == {"build"}


def test_operation_rows_are_operation_items_except_end_of_use_and_disposal() -> None:
    phases = {item.id: item.phase.value for item in load_pack(OVERLAY).pack.items}
    assert {phases[f"st.ops.{n}"] for n in range(1, 18)} == {"operation"}
    assert phases["st.ops.18"] == phases["st.ops.19"] == "termination"


def test_the_seed_splits_no_tracks() -> None:
    pack = load_pack(OVERLAY).pack
    assert {item.track for item in pack.items} == {"any"}
    assert {finding.track for finding in pack.findings} == {"any"}


def test_the_overlay_has_no_rechecks_tracks_or_ledger_of_its_own() -> None:
    pack = load_pack(OVERLAY).pack
    assert (pack.classification, pack.tracks, pack.roles, pack.ledger_fields, pack.rechecks) == (
        None,
        None,
        (),
        (),
        (),
    )


# ── what the municipality decides stays the municipality's ──────────────────


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize("facts", [HIGH, LOW], ids=["high", "low"])
def test_overlay_leaves_the_track_approver_applicant_manager_forms_and_ledger_to_the_city(
    city: str, facts: dict[str, Any]
) -> None:
    alone = judge(facts, [city])
    combined = with_overlay(facts, city)
    for key in CITY_DECIDES:
        assert combined[key] == alone[key], key


@pytest.mark.parametrize("city", CITIES)
def test_judgment_records_the_city_then_the_overlay(city: str) -> None:
    packs = with_overlay(HIGH, city)["packs"]
    assert [p["id"] for p in packs] == [city, OVERLAY]
    assert packs[1]["version"] == load_pack(OVERLAY).version


@pytest.mark.parametrize("city", CITIES)
def test_overlay_keeps_the_city_items_and_adds_its_own(city: str) -> None:
    alone = judge(HIGH, [city])
    combined = with_overlay(HIGH, city)
    for phase, items in alone["checklists"].items():
        city_items = [i for i in combined["checklists"][phase] if i["pack"] == city]
        assert city_items == items
    assert sum(len(overlay_ids(combined, p)) for p in combined["checklists"]) == 35


def test_kobe_high_track_with_special_terms_is_approved_by_the_information_security_manager() -> None:
    result = with_overlay(HIGH)
    assert result["approver"]["title"] == "情報セキュリティ管理者"
    assert result["applicant"]["title"] == "情報管理者等"
    assert result["service_manager"]["designation"] == "applicant"
    assert [f["id"] for f in result["forms"]] == ["別紙（機密性２以上）"]
    assert len(result["ledger_fields"]) == 8


def test_kobe_low_track_with_special_terms_is_still_self_approved() -> None:
    result = with_overlay(LOW)
    assert result["self_approval"] is True
    assert result["approver"]["title"] == "情報管理者等"
    assert result["service_manager"]["designation"] == "approver"
    assert [f["id"] for f in result["forms"]] == ["別紙（機密性１）"]
    assert result["ledger_fields"] == []


# ── checklists ──────────────────────────────────────────────────────────────


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize("facts", [HIGH, LOW], ids=["high", "low"])
def test_typical_saas_gets_the_same_overlay_items_per_phase_on_either_track(
    city: str, facts: dict[str, Any]
) -> None:
    result = with_overlay(facts, city)
    counts = {phase: len(overlay_ids(result, phase)) for phase in result["checklists"]}
    assert counts == TYPICAL_COUNTS
    assert "st.confirm.1" not in overlay_ids(result)
    assert "st.build.5" not in overlay_ids(result)


@pytest.mark.parametrize("city", CITIES)
def test_every_item_applies_to_3b_on_a_public_cloud_with_direct_login(city: str) -> None:
    result = with_overlay({**STAR, "direct_internet_login": True}, city)
    counts = {phase: len(overlay_ids(result, phase)) for phase in result["checklists"]}
    assert counts == {"selection": 0, "procurement": 4, "build": 14, "operation": 17, "termination": 2}


def test_overlay_items_name_their_pack_and_seed() -> None:
    item = overlay_item(with_overlay(HIGH), "st.ops.19")
    assert item["source"] == {"file": SEED, "clause": "運用・保守時 No.19"}
    assert item["phase"] == "termination"
    assert item["track"] == "any"


@pytest.mark.parametrize("level", ["3B", "3C"])
def test_iso27001_item_applies_to_3b_and_3c_on_a_public_cloud(level: str) -> None:
    result = with_overlay({**STAR, "municipal_confidentiality": level})
    assert overlay_ids(result, "procurement")[0] == "st.confirm.1"


@pytest.mark.parametrize("level", ["3A", "2", "1", None])
def test_iso27001_item_does_not_apply_to_other_municipal_classes(level: str | None) -> None:
    result = with_overlay({**STAR, "municipal_confidentiality": level})
    assert "st.confirm.1" not in overlay_ids(result)


@pytest.mark.parametrize("deployment", ["private", "community", "government"])
def test_iso27001_item_does_not_apply_off_the_public_cloud(deployment: str) -> None:
    result = with_overlay({**STAR, "deployment": deployment})
    assert "st.confirm.1" not in overlay_ids(result)


def test_a_3b_class_takes_the_high_track_beside_the_iso27001_item() -> None:
    # 自治体機密性3B is 機密性２以上: the stricter classification decides the track (CONTRACT.md), so the
    # ★ item never stands beside Kobe's self-approval.
    result = with_overlay({**STAR, "confidentiality": "1"})
    assert result["track"] == "high"
    assert result["self_approval"] is False
    assert "st.confirm.1" in overlay_ids(result, "procurement")


def test_internet_login_item_applies_only_with_direct_login() -> None:
    assert "st.build.5" in overlay_ids(with_overlay({**HIGH, "direct_internet_login": True}), "build")
    assert "st.build.5" not in overlay_ids(with_overlay(HIGH))


def test_virtual_machine_item_is_not_limited_to_iaas_or_paas() -> None:
    # The seed limits only 導入・構築時 No.5; a SaaS applicant answers No.4 with 該当なし.
    assert "st.build.4" in overlay_ids(with_overlay(HIGH), "build")


def test_incident_contacts_must_be_confirmed_before_operation_starts() -> None:
    result = with_overlay(HIGH)
    items = [i for phase in result["checklists"].values() for i in phase if i["pack"] == OVERLAY]
    required = [i["id"] for i in items if i["required_before_operation"]]
    assert required == ["st.ops.3"]


def test_administrator_logs_are_kept_for_at_least_a_year() -> None:
    assert "1年以上保管" in overlay_item(with_overlay(HIGH), "st.ops.8")["text"]


def test_disposal_deletes_the_keys_and_their_backups() -> None:
    text = overlay_item(with_overlay(HIGH), "st.ops.19")["text"]
    assert "暗号鍵を削除" in text
    assert "バックアップについても削除" in text


def test_item_text_carries_no_pdf_artefacts() -> None:
    texts = [i.text for i in load_pack(OVERLAY).pack.items]
    assert not [t for t in texts if "★" in t or "E列" in t or "3 B" in t or "\n" in t or "・クラウド" in t]


# ── findings ────────────────────────────────────────────────────────────────


def test_3b_on_a_public_cloud_without_iso27001_blocks_until_an_equivalent_level_is_shown() -> None:
    finding = overlay_findings(with_overlay(STAR))["certification_missing"]
    assert finding["severity"] == "block"  # 満たしていること
    assert "同等程度の水準" in finding["message"]
    assert finding["source"] == {"file": SEED, "clause": "確認事項 No.1"}


def test_iso27001_satisfies_the_certification_condition() -> None:
    assert "certification_missing" not in overlay_findings(
        with_overlay({**STAR, "certifications": ["ISO27001"]})
    )


@pytest.mark.parametrize("certs", [["ISO27017"], ["ISMAP"]])
def test_27017_and_ismap_answer_the_certification_condition(certs: list[str]) -> None:
    # ISO/IEC 27017 presupposes 27001; ISMAP is 同等程度 as the pack states in its note.
    assert "certification_missing" not in overlay_findings(with_overlay({**STAR, "certifications": certs}))
    assert "ISMAP" in overlay_item(with_overlay(STAR), "st.confirm.1")["note"]


def test_other_certifications_alone_still_ask_for_iso27001_or_an_equivalent_level() -> None:
    # ISMAP-LIU covers low-impact SaaS only; SOC2 and CS-Mark are for the applicant to show as 同等程度.
    findings = overlay_findings(with_overlay({**STAR, "certifications": ["ISMAP-LIU", "SOC2", "CS-Mark"]}))
    assert findings["certification_missing"]["severity"] == "block"


@pytest.mark.parametrize(
    "facts",
    [
        HIGH,
        {**STAR, "municipal_confidentiality": "3A"},
        {**STAR, "deployment": "private"},
    ],
    ids=["no-municipal-class", "3A", "private-cloud"],
)
def test_no_certification_warning_outside_3b_3c_on_a_public_cloud(facts: dict[str, Any]) -> None:
    assert "certification_missing" not in overlay_findings(with_overlay(facts))


@pytest.mark.parametrize("facts", [HIGH, LOW], ids=["high", "low"])
def test_data_stored_abroad_blocks(facts: dict[str, Any]) -> None:
    finding = overlay_findings(with_overlay({**facts, "data_location": "US"}))["data_outside_japan"]
    assert finding["severity"] == "block"  # 国内に指定すること / 保存されないこと
    assert finding["source"]["clause"] == "確認事項 No.2"
    assert "国内に指定" in finding["message"]


def test_data_stored_in_japan_raises_no_location_finding() -> None:
    assert "data_outside_japan" not in overlay_findings(with_overlay({**HIGH, "governing_law": "US"}))


@pytest.mark.parametrize("facts", [HIGH, LOW], ids=["high", "low"])
def test_foreign_governing_law_blocks(facts: dict[str, Any]) -> None:
    finding = overlay_findings(with_overlay({**facts, "governing_law": "US"}))["foreign_governing_law"]
    assert finding["severity"] == "block"  # 適用されること
    assert finding["message"] == "日本の裁判管轄、法令が適用されること。"


def test_japanese_law_raises_no_governing_law_finding() -> None:
    assert "foreign_governing_law" not in overlay_findings(with_overlay({**HIGH, "data_location": "SG"}))


@pytest.mark.parametrize("city", CITIES)
def test_a_compliant_use_raises_no_overlay_finding(city: str) -> None:
    assert overlay_findings(with_overlay({**STAR, "certifications": ["ISO27001"]}, city)) == {}


@pytest.mark.parametrize("city", CITIES)
def test_the_overlay_s_unmet_conditions_block(city: str) -> None:
    worst = {
        **STAR,
        "municipal_confidentiality": "3C",
        "data_location": "US",
        "governing_law": "US",
        "terms_only": True,
        "required_clauses_present": False,
        "handles_specific_personal_info": True,
        "operated_by_contractor": True,
    }
    findings = overlay_findings(with_overlay(worst, city))
    assert set(findings) == {"certification_missing", "data_outside_japan", "foreign_governing_law"}
    assert {f["severity"] for f in findings.values()} == {"block"}
