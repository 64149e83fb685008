"""A bad pack is refused with every error, each naming file, line and field."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kumokan.policy import PackError, load_file, validate_file
from kumokan.policy.tests.conftest import OVERLAY, SAMPLE


def write(tmp_path: Path, text: str, name: str = "sample.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lines_of(problems: list) -> list[str]:
    return [p.where for p in problems]


def test_sample_pack_is_valid(tmp_path: Path) -> None:
    assert validate_file(write(tmp_path, SAMPLE)) == []
    assert validate_file(write(tmp_path, OVERLAY, "extra.yaml")) == []


def test_misspelt_field_names_its_line(tmp_path: Path) -> None:
    text = SAMPLE.replace(
        "    phase: build\n    when: {fact: direct", "    phaze: build\n    when: {fact: direct"
    )
    problems = validate_file(write(tmp_path, text))
    line = text.splitlines().index("    phaze: build") + 1
    wheres = lines_of(problems)
    assert any(w.startswith(f"{tmp_path / 'sample.yaml'}:{line}: items.2.phaze") for w in wheres), wheres
    assert any(w.endswith("items.2.phase") for w in wheres), wheres


def test_every_error_is_listed_not_only_the_first(tmp_path: Path) -> None:
    text = SAMPLE.replace("phase: selection, track: high", "phase: choosing, track: high").replace(
        'version: "1.0.0"', "version: ''"
    )
    wheres = lines_of(validate_file(write(tmp_path, text)))
    assert any(w.endswith(": version") for w in wheres)
    assert any(w.endswith("items.0.phase") for w in wheres)


def test_unknown_fact_in_condition_is_refused(tmp_path: Path) -> None:
    text = SAMPLE.replace("{fact: direct_internet_login}", "{fact: direct_login}")
    (problem,) = validate_file(write(tmp_path, text))
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "direct_login" in t)
    assert problem.where.endswith(f":{line}: items.2.when")
    assert "direct_login" in problem.ja and "unknown fact" in problem.en


def test_condition_value_must_exist(tmp_path: Path) -> None:
    text = SAMPLE.replace("[iaas, paas]", "[iaas, mainframe]")
    (problem,) = validate_file(write(tmp_path, text))
    assert "mainframe" in problem.en


def test_classification_level_must_be_on_the_scale(tmp_path: Path) -> None:
    text = SAMPLE.replace('{at_least: {availability: "2"}}', '{at_least: {availability: "5"}}')
    (problem,) = validate_file(write(tmp_path, text))
    assert "'5'" in problem.en


def test_boolean_test_of_a_text_fact_is_refused(tmp_path: Path) -> None:
    text = SAMPLE.replace("{fact: direct_internet_login}", "{fact: service_model}")
    (problem,) = validate_file(write(tmp_path, text))
    assert "fact cannot test 'service_model'" in problem.en


def test_condition_with_two_keys_is_refused(tmp_path: Path) -> None:
    text = SAMPLE.replace("{fact: direct_internet_login}", "{fact: terms_only, track: high}")
    problems = validate_file(write(tmp_path, text))
    assert problems and "exactly one" in problems[0].en


def test_duplicate_item_id_is_refused(tmp_path: Path) -> None:
    text = SAMPLE.replace("id: sel.low,", "id: sel.high,")
    (problem,) = validate_file(write(tmp_path, text))
    assert "sel.high" in problem.ja and problem.where.split(": ")[-1] == "items.1"


def test_duplicate_yaml_key_is_refused_with_its_line(tmp_path: Path) -> None:
    text = SAMPLE.replace('version: "1.0.0"\n', 'version: "1.0.0"\nversion: "1.0.1"\n')
    (problem,) = validate_file(write(tmp_path, text))
    assert problem.where.endswith(":3")
    assert "duplicate key" in problem.en


def test_nested_aliases_are_refused_before_validation_walks_them(tmp_path: Path) -> None:
    """A billion laughs: nine levels of nine aliases are 9**9 conditions in a text of a few hundred bytes."""
    condition = "&c0 {all: [{fact: direct_internet_login}]}"
    for level in range(1, 10):
        condition = f"&c{level} {{all: [{condition}, " + ", ".join([f"*c{level - 1}"] * 8) + "]}"
    text = SAMPLE.replace("    when: {fact: direct_internet_login}\n", f"    when: {condition}\n", 1)
    assert condition in text
    started = time.monotonic()
    (problem,) = validate_file(write(tmp_path, text))
    assert time.monotonic() - started < 5
    assert "aliases" in problem.en and "YAML" in problem.ja
    assert problem.where.endswith(":40")


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    (problem,) = validate_file(write(tmp_path, SAMPLE + "items: [unclosed\n"))
    assert problem.where.startswith(str(tmp_path / "sample.yaml") + ":")


def test_missing_approver_needs_a_reason(tmp_path: Path) -> None:
    text = SAMPLE.replace(
        '    approver_gap: {message: 許可権限者が定められていません, source: {clause: "5.1.2"}}\n', ""
    )
    (problem,) = validate_file(write(tmp_path, text))
    assert problem.where.endswith("tracks.low.approver")


def test_high_track_threshold_must_be_a_level(tmp_path: Path) -> None:
    (problem,) = validate_file(
        write(tmp_path, SAMPLE.replace('high_track_from: "2"', 'high_track_from: "4"'))
    )
    assert problem.where.endswith("classification.confidentiality.high_track_from")


def test_overlay_cannot_test_the_city_scale(tmp_path: Path) -> None:
    text = OVERLAY.replace("{eq: {deployment: public}}", '{at_least: {confidentiality: "2"}}')
    (problem,) = validate_file(write(tmp_path, text, "extra.yaml"))
    assert "overlay" in problem.en


def test_overlay_cannot_define_tracks(tmp_path: Path) -> None:
    tracks = SAMPLE[SAMPLE.index("tracks:") : SAMPLE.index("ledger_fields:")]
    (problem,) = validate_file(write(tmp_path, OVERLAY + tracks, "extra.yaml"))
    assert problem.where.split(": ")[-1] == "tracks"


def test_seed_file_name_is_checked(tmp_path: Path) -> None:
    (problem,) = validate_file(
        write(tmp_path, SAMPLE.replace("seed: 003_458251fa9e15d94e.txt", "seed: kobe.txt"))
    )
    assert problem.where.endswith("seed")


def test_load_file_raises_with_all_problems(tmp_path: Path) -> None:
    with pytest.raises(PackError) as caught:
        load_file(write(tmp_path, SAMPLE.replace("kind: municipality", "kind: city")))
    assert caught.value.problems[0].where.endswith(":3: kind")


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    path.write_bytes(SAMPLE.encode("cp932", errors="replace"))
    (problem,) = validate_file(path)
    assert "UTF-8" in problem.en
