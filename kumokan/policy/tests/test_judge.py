"""The judge applies a pack's conditions, tracks and roles; it knows no city's rules itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from kumokan.policy import FactsError, UnknownPack, judge
from kumokan.policy.facts import canonical_facts


def ids(judgment: dict, phase: str) -> list[str]:
    return [item["id"] for item in judgment["checklists"][phase]]


def test_level_at_the_threshold_takes_the_high_track(pack_dir: Path, facts: dict) -> None:
    result = judge(facts, ["sample"])
    assert result["track"] == "high"
    assert result["approver"]["title"] == "情報セキュリティ管理者"
    assert ids(result, "selection") == ["sel.high"]


def test_level_below_the_threshold_takes_the_low_track(pack_dir: Path, facts: dict) -> None:
    result = judge({**facts, "confidentiality": "1"}, ["sample"])
    assert result["track"] == "low"
    assert ids(result, "selection") == ["sel.low"]


def test_every_phase_is_listed_even_when_empty(pack_dir: Path, facts: dict) -> None:
    result = judge(facts, ["sample"])
    assert list(result["checklists"]) == ["selection", "procurement", "build", "operation", "termination"]
    assert result["checklists"]["termination"] == []


def test_boolean_condition_adds_item_only_when_fact_is_true(pack_dir: Path, facts: dict) -> None:
    assert "build.remote" not in ids(judge(facts, ["sample"]), "build")
    assert "build.remote" in ids(judge({**facts, "direct_internet_login": True}, ["sample"]), "build")


def test_at_least_follows_the_pack_order(pack_dir: Path, facts: dict) -> None:
    assert "build.available" not in ids(judge(facts, ["sample"]), "build")
    assert "build.available" in ids(judge({**facts, "availability": "2"}, ["sample"]), "build")


def test_combined_condition(pack_dir: Path, facts: dict) -> None:
    iaas = {**facts, "service_model": "iaas"}
    assert "build.infra" in ids(judge(iaas, ["sample"]), "build")
    assert "build.infra" not in ids(judge({**iaas, "certifications": ["ISMAP-LIU"]}, ["sample"]), "build")
    assert "build.infra" not in ids(judge(facts, ["sample"]), "build")


def test_items_cite_file_and_clause(pack_dir: Path, facts: dict) -> None:
    item = judge(facts, ["sample"])["checklists"]["selection"][0]
    assert item["source"] == {"file": "003_458251fa9e15d94e.txt", "clause": "3.1"}
    assert item["pack"] == "sample"


def test_finding_may_cite_another_seed(pack_dir: Path, facts: dict) -> None:
    result = judge({**facts, "handles_specific_personal_info": True}, ["sample"])
    (finding,) = [f for f in result["findings"] if f["code"] == "pia_required"]
    assert finding["source"]["file"] == "000_6738fc87fdfdac6f.txt"


def test_track_restricted_finding(pack_dir: Path, facts: dict) -> None:
    abroad = {**facts, "data_location": "US"}
    assert [f["code"] for f in judge(abroad, ["sample"])["findings"]] == ["data_outside_japan"]
    low = judge({**abroad, "confidentiality": "1"}, ["sample"])
    assert [f["code"] for f in low["findings"]] == ["approver_not_configured"]


def test_track_without_approver_raises_approver_not_configured(pack_dir: Path, facts: dict) -> None:
    result = judge({**facts, "confidentiality": "1"}, ["sample"])
    assert result["approver"] is None
    assert result["findings"][0]["code"] == "approver_not_configured"
    assert result["findings"][0]["severity"] == "block"


def test_configured_approver_fills_the_gap(pack_dir: Path, facts: dict) -> None:
    result = judge({**facts, "confidentiality": "1"}, ["sample"], configured_approver="デジタル統括室長")
    assert result["approver"]["title"] == "デジタル統括室長"
    assert result["approver"]["configured"] is True
    assert "approver_not_configured" not in [f["code"] for f in result["findings"]]


def test_ledger_fields_follow_the_track(pack_dir: Path, facts: dict) -> None:
    assert [f["id"] for f in judge(facts, ["sample"])["ledger_fields"]] == ["service_name", "provider"]
    assert [f["id"] for f in judge({**facts, "confidentiality": "1"}, ["sample"])["ledger_fields"]] == [
        "provider"
    ]


def test_overlay_adds_items_under_its_condition(pack_dir: Path, facts: dict) -> None:
    plain = judge(facts, ["sample", "extra"])
    assert [p["id"] for p in plain["packs"]] == ["sample", "extra"]
    assert ids(plain, "procurement") == []
    secret = judge({**facts, "municipal_confidentiality": "3B"}, ["sample", "extra"])
    assert ids(secret, "procurement") == ["st.confirm.1"]
    assert secret["checklists"]["procurement"][0]["pack"] == "extra"
    private = {**facts, "municipal_confidentiality": "3B", "deployment": "private"}
    assert ids(judge(private, ["sample", "extra"]), "procurement") == []


def test_judgment_records_pack_version_and_digest(pack_dir: Path, facts: dict) -> None:
    (entry,) = judge(facts, ["sample"])["packs"]
    assert entry["version"] == "1.0.0"
    assert len(entry["digest"]) == 16


def test_editing_a_pack_is_seen_without_restart(pack_dir: Path, facts: dict) -> None:
    before = judge(facts, ["sample"])["packs"][0]
    path = pack_dir / "sample.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.0.1"'), encoding="utf-8"
    )
    after = judge(facts, ["sample"])["packs"][0]
    assert (before["version"], after["version"]) == ("1.0.0", "1.0.1")
    assert before["digest"] != after["digest"]


def test_unknown_pack_is_refused(pack_dir: Path, facts: dict) -> None:
    with pytest.raises(UnknownPack):
        judge(facts, ["nowhere"])


def test_overlay_cannot_come_first(pack_dir: Path, facts: dict) -> None:
    with pytest.raises(FactsError, match="overlay"):
        judge(facts, ["extra"])


def test_second_municipality_pack_is_refused(pack_dir: Path, facts: dict) -> None:
    with pytest.raises(FactsError, match="must be overlays"):
        judge(facts, ["sample", "kobe"])


@pytest.mark.parametrize("packs", [["sample", "sample"], ["sample", "extra", "extra"]])
def test_a_pack_given_twice_is_refused(pack_dir: Path, facts: dict, packs: list[str]) -> None:
    with pytest.raises(FactsError, match="given twice"):
        judge(facts, packs)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"confidentiality": "9"}, "confidentiality"),
        ({"availability": "3"}, "availability"),
        ({"service_model": "mainframe"}, "service_model"),
        ({"colour": "blue"}, "colour"),
        ({"service_name": "  "}, "service_name"),
        ({"data_location": "Japan"}, "data_location"),
        ({"handles_personal_info": "yes"}, "handles_personal_info"),
        ({"certifications": ["ISO9001"]}, "certifications.0"),
    ],
)
def test_bad_fact_is_refused_naming_its_key(pack_dir: Path, facts: dict, change: dict, key: str) -> None:
    with pytest.raises(FactsError) as caught:
        judge({**facts, **change}, ["sample"])
    assert [p.where for p in caught.value.problems] == [key]
    assert all(p.ja and p.en for p in caught.value.problems)


def test_missing_required_facts_are_all_listed(pack_dir: Path) -> None:
    with pytest.raises(FactsError) as caught:
        judge({}, ["sample"])
    assert {p.where for p in caught.value.problems} == {
        "service_name",
        "provider",
        "purpose",
        "service_model",
        "confidentiality",
    }


def test_rechecks_that_apply_are_listed_with_their_schedule(pack_dir: Path, facts: dict) -> None:
    assert [r["id"] for r in judge(facts, ["sample"])["rechecks"]] == ["recheck.changes"]
    iaas = judge({**facts, "service_model": "iaas"}, ["sample"])["rechecks"]
    assert [(r["id"], r["interval_months"]) for r in iaas] == [
        ("recheck.changes", None),
        ("recheck.iaas-yearly", 12),
    ]
    assert iaas[0]["triggers"] == ["terms_changed", "incident"]
    assert iaas[0]["report_to"] == "security_manager"


def test_canonical_facts_fill_the_defaults_and_sort_the_certifications(facts: dict) -> None:
    one = canonical_facts({**facts, "certifications": ["SOC2", "ISMAP"]})
    other = canonical_facts({**facts, "certifications": ["ISMAP", "SOC2"]})
    assert one == other
    assert one["certifications"] == ["ISMAP", "SOC2"]
    assert one["deployment"] == "public"
    assert one["availability"] is None
