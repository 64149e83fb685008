"""The judge applies a pack's conditions, tracks and roles; it knows no city's rules itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from kumokan.policy import FactsError, LoadedMunicipality, PackLibrary, UnknownPack
from kumokan.policy.facts import canonical_facts


def ids(judgment: dict, phase: str) -> list[str]:
    return [item["id"] for item in judgment["checklists"][phase]]


def test_level_at_the_threshold_takes_the_high_track(library: PackLibrary, facts: dict) -> None:
    result = library.judge(facts, ["sample"])
    assert result["track"] == "high"
    assert result["approver"]["title"] == "情報セキュリティ管理者"
    assert ids(result, "selection") == ["sel.high"]


def test_level_below_the_threshold_takes_the_low_track(library: PackLibrary, facts: dict) -> None:
    result = library.judge({**facts, "confidentiality": "1"}, ["sample"])
    assert result["track"] == "low"
    assert ids(result, "selection") == ["sel.low"]


def test_every_phase_is_listed_even_when_empty(library: PackLibrary, facts: dict) -> None:
    result = library.judge(facts, ["sample"])
    assert list(result["checklists"]) == ["selection", "procurement", "build", "operation", "termination"]
    assert result["checklists"]["termination"] == []


def test_boolean_condition_adds_item_only_when_fact_is_true(library: PackLibrary, facts: dict) -> None:
    assert "build.remote" not in ids(library.judge(facts, ["sample"]), "build")
    assert "build.remote" in ids(library.judge({**facts, "direct_internet_login": True}, ["sample"]), "build")


def test_at_least_follows_the_pack_order(library: PackLibrary, facts: dict) -> None:
    assert "build.available" not in ids(library.judge(facts, ["sample"]), "build")
    assert "build.available" in ids(library.judge({**facts, "availability": "2"}, ["sample"]), "build")


def test_combined_condition(library: PackLibrary, facts: dict) -> None:
    iaas = {**facts, "service_model": "iaas"}
    assert "build.infra" in ids(library.judge(iaas, ["sample"]), "build")
    assert "build.infra" not in ids(
        library.judge({**iaas, "certifications": ["ISMAP-LIU"]}, ["sample"]), "build"
    )
    assert "build.infra" not in ids(library.judge(facts, ["sample"]), "build")


def test_items_cite_file_and_clause(library: PackLibrary, facts: dict) -> None:
    item = library.judge(facts, ["sample"])["checklists"]["selection"][0]
    assert item["source"] == {"file": "003_458251fa9e15d94e.txt", "clause": "3.1"}
    assert item["pack"] == "sample"


def test_finding_may_cite_another_seed(library: PackLibrary, facts: dict) -> None:
    result = library.judge({**facts, "handles_specific_personal_info": True}, ["sample"])
    (finding,) = [f for f in result["findings"] if f["code"] == "pia_required"]
    assert finding["source"]["file"] == "000_6738fc87fdfdac6f.txt"


def test_track_restricted_finding(library: PackLibrary, facts: dict) -> None:
    abroad = {**facts, "data_location": "US"}
    assert [f["code"] for f in library.judge(abroad, ["sample"])["findings"]] == ["data_outside_japan"]
    low = library.judge({**abroad, "confidentiality": "1"}, ["sample"])
    assert [f["code"] for f in low["findings"]] == ["approver_not_configured"]


def test_track_without_approver_raises_approver_not_configured(library: PackLibrary, facts: dict) -> None:
    result = library.judge({**facts, "confidentiality": "1"}, ["sample"])
    assert result["approver"] is None
    assert result["findings"][0]["code"] == "approver_not_configured"
    assert result["findings"][0]["severity"] == "block"


def test_configured_approver_fills_the_gap(library: PackLibrary, facts: dict) -> None:
    result = library.judge(
        {**facts, "confidentiality": "1"}, ["sample"], configured_approver="デジタル統括室長"
    )
    assert result["approver"]["title"] == "デジタル統括室長"
    assert result["approver"]["configured"] is True
    assert "approver_not_configured" not in [f["code"] for f in result["findings"]]


def test_ledger_fields_follow_the_track(library: PackLibrary, facts: dict) -> None:
    assert [f["id"] for f in library.judge(facts, ["sample"])["ledger_fields"]] == [
        "service_name",
        "provider",
    ]
    assert [
        f["id"] for f in library.judge({**facts, "confidentiality": "1"}, ["sample"])["ledger_fields"]
    ] == ["provider"]


def test_overlay_adds_items_under_its_condition(library: PackLibrary, facts: dict) -> None:
    plain = library.judge(facts, ["sample", "extra"])
    assert [p["id"] for p in plain["packs"]] == ["sample", "extra"]
    assert ids(plain, "procurement") == []
    secret = library.judge({**facts, "municipal_confidentiality": "3B"}, ["sample", "extra"])
    assert ids(secret, "procurement") == ["st.confirm.1"]
    assert secret["checklists"]["procurement"][0]["pack"] == "extra"
    private = {**facts, "municipal_confidentiality": "3B", "deployment": "private"}
    assert ids(library.judge(private, ["sample", "extra"]), "procurement") == []


def test_judgment_records_pack_version_and_digest(library: PackLibrary, facts: dict) -> None:
    (entry,) = library.judge(facts, ["sample"])["packs"]
    assert entry["version"] == "1.0.0"
    assert len(entry["digest"]) == 16


def test_editing_a_pack_is_seen_without_restart(pack_dir: Path, library: PackLibrary, facts: dict) -> None:
    before = library.judge(facts, ["sample"])["packs"][0]
    path = pack_dir / "sample.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.0.1"'), encoding="utf-8"
    )
    after = library.judge(facts, ["sample"])["packs"][0]
    assert (before["version"], after["version"]) == ("1.0.0", "1.0.1")
    assert before["digest"] != after["digest"]


def test_unknown_pack_is_refused(library: PackLibrary, facts: dict) -> None:
    with pytest.raises(UnknownPack):
        library.judge(facts, ["nowhere"])


def test_overlay_cannot_come_first(library: PackLibrary, facts: dict) -> None:
    with pytest.raises(FactsError, match="overlay"):
        library.judge(facts, ["extra"])


def test_second_municipality_pack_is_refused(library: PackLibrary, facts: dict) -> None:
    with pytest.raises(FactsError, match="must be overlays"):
        library.judge(facts, ["sample", "kobe"])


@pytest.mark.parametrize("packs", [["sample", "sample"], ["sample", "extra", "extra"]])
def test_a_pack_given_twice_is_refused(library: PackLibrary, facts: dict, packs: list[str]) -> None:
    with pytest.raises(FactsError, match="given twice"):
        library.judge(facts, packs)


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
def test_bad_fact_is_refused_naming_its_key(
    library: PackLibrary, facts: dict, change: dict, key: str
) -> None:
    with pytest.raises(FactsError) as caught:
        library.judge({**facts, **change}, ["sample"])
    assert [p.where for p in caught.value.problems] == [key]
    assert all(p.ja and p.en for p in caught.value.problems)


def test_missing_required_facts_are_all_listed(library: PackLibrary) -> None:
    with pytest.raises(FactsError) as caught:
        library.judge({}, ["sample"])
    assert {p.where for p in caught.value.problems} == {
        "service_name",
        "provider",
        "purpose",
        "service_model",
        "confidentiality",
    }


def test_rechecks_that_apply_are_listed_with_their_schedule(library: PackLibrary, facts: dict) -> None:
    assert [r["id"] for r in library.judge(facts, ["sample"])["rechecks"]] == ["recheck.changes"]
    iaas = library.judge({**facts, "service_model": "iaas"}, ["sample"])["rechecks"]
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


def test_the_engine_reads_no_environment(
    pack_dir: Path, monkeypatch: pytest.MonkeyPatch, facts: dict
) -> None:
    # Issue 14 point 5: the caller passes the pack source; KUMOKAN_PACK_PATH is the CLI's and the site's.
    monkeypatch.setenv("KUMOKAN_PACK_PATH", str(pack_dir))
    with pytest.raises(UnknownPack):
        PackLibrary().judge(facts, ["sample"])
    assert PackLibrary([pack_dir]).judge(facts, ["sample"])["packs"][0]["id"] == "sample"
    engine = Path(__file__).resolve().parents[1]
    for source in engine.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv" not in text, source.name


def test_two_libraries_keep_apart_what_they_read(pack_dir: Path, facts: dict) -> None:
    first, second = PackLibrary([pack_dir]), PackLibrary([pack_dir])
    assert first.load("sample") is first.load("sample")
    assert first.load("sample") is not second.load("sample")


def test_the_type_checker_refuses_to_judge_with_an_overlay(tmp_path: Path) -> None:
    # Issue 14 point 5: a municipality's pack and an overlay are types of their own, not an assert.
    from mypy import api

    code = (
        "from kumokan.policy import LoadedMunicipality, LoadedOverlay, judge\n"
        "def judged(city: LoadedMunicipality, overlay: LoadedOverlay) -> None:\n"
        "    overlaid: LoadedMunicipality = city.overlaid(overlay)\n"
        "    judge({}, overlaid)\n"
        "    judge({}, overlay)\n"
    )
    program = tmp_path / "judging.py"
    program.write_text(code, encoding="utf-8")
    out, _err, status = api.run(["--strict", "--no-incremental", "--follow-imports=silent", str(program)])
    assert status == 1, out
    (error,) = [line for line in out.splitlines() if "error:" in line]
    assert 'judging.py:5: error: Argument 2 to "judge" has incompatible type "LoadedOverlay"' in error


def test_loading_gives_the_kind_of_pack_the_file_says(library: PackLibrary) -> None:
    from kumokan.policy import LoadedMunicipality, LoadedOverlay, MunicipalityPack, OverlayPack

    sample, extra = library.load("sample"), library.load("extra")
    assert isinstance(sample, LoadedMunicipality) and isinstance(sample.pack, MunicipalityPack)
    assert isinstance(extra, LoadedOverlay) and isinstance(extra.pack, OverlayPack)
    overlaid = sample.overlaid(extra)
    assert isinstance(overlaid, LoadedMunicipality)
    assert [p.id for p in overlaid.packs] == ["sample", "extra"]
    assert sample.pack.model_dump() == PackLibrary([library.dirs[0]]).load("sample").pack.model_dump()


def test_a_library_judges_once_per_kind_of_facts(pack_dir: Path, library: PackLibrary, facts: dict) -> None:
    # Issue 14 point 5: the judgment cache the ledger import kept is the library's, keyed by the packs'
    # texts and the facts a judgment reads (facts no condition names, like the service's name, are not).
    sample = library.load("sample")
    assert isinstance(sample, LoadedMunicipality)
    key, judgment = library.judgment(facts, sample)
    renamed = {**facts, "service_name": "別の名前", "purpose": "別の目的"}
    assert library.judgment(renamed, sample) == (key, judgment)
    assert library.judgment(renamed, sample)[1] is judgment
    assert judgment == library.judge(facts, ["sample"])
    remote = {**facts, "direct_internet_login": True}
    other_key, other = library.judgment(remote, sample)
    assert other_key != key and other == library.judge(remote, ["sample"])
    assert library.judgment(facts, sample, configured_approver="課長")[0] != key
    # Another text of the pack is another key.
    path = pack_dir / "sample.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"1.0.0"', '"1.0.1"'), encoding="utf-8")
    edited = library.load("sample")
    assert isinstance(edited, LoadedMunicipality)
    assert library.judgment(facts, edited)[0] != key
    with pytest.raises(FactsError):
        library.judgment({**facts, "confidentiality": "9"}, sample)
