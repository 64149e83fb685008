"""The `kumokan` command as outside tools use it: JSON in, JSON out, exit codes of CONTRACT.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kumokan.policy.tests.conftest import SAMPLE


def run(*args: str, stdin: str = "", pack_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pack_dir is not None:
        env["KUMOKAN_PACK_PATH"] = str(pack_dir)
    return subprocess.run(
        [sys.executable, "-m", "kumokan.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )


def test_judge_reads_stdin_and_prints_the_judgment(pack_dir: Path, facts: dict[str, object]) -> None:
    result = run("judge", "--pack", "sample", "-", stdin=json.dumps(facts), pack_dir=pack_dir)
    assert result.returncode == 0, result.stderr
    judgment = json.loads(result.stdout)
    assert judgment["track"] == "high"
    assert judgment["packs"][0]["id"] == "sample"
    assert "情報セキュリティ管理者" in result.stdout  # UTF-8, not \\u escapes


def test_judge_reads_a_file_and_accepts_overlays(
    pack_dir: Path, facts: dict[str, object], tmp_path: Path
) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({**facts, "municipal_confidentiality": "3C"}), encoding="utf-8")
    result = run("judge", "--pack", "sample", "--pack", "extra", str(path), pack_dir=pack_dir)
    assert result.returncode == 0, result.stderr
    assert [p["id"] for p in json.loads(result.stdout)["packs"]] == ["sample", "extra"]


def test_pack_path_names_the_pack_directories_without_the_variable(
    pack_dir: Path, facts: dict[str, object]
) -> None:
    result = run("--pack-path", str(pack_dir), "judge", "--pack", "sample", "-", stdin=json.dumps(facts))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["packs"][0]["id"] == "sample"
    assert run("judge", "--pack", "sample", "-", stdin=json.dumps(facts)).returncode == 3


def test_bad_facts_exit_2_with_one_line_per_problem(pack_dir: Path) -> None:
    bad = {
        "service_name": "",
        "provider": "x",
        "purpose": "y",
        "service_model": "ftp",
        "confidentiality": "2",
        "x": 1,
    }
    result = run("judge", "--pack", "sample", "-", stdin=json.dumps(bad), pack_dir=pack_dir)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert sorted(line.split(":")[0] for line in lines) == ["service_model", "service_name", "x"]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_invalid_json_exits_2(pack_dir: Path) -> None:
    result = run("judge", "--pack", "sample", "-", stdin="{not json", pack_dir=pack_dir)
    assert result.returncode == 2
    assert result.stderr.startswith("facts: JSON として読めません")
    assert "Traceback" not in result.stderr


def test_facts_that_are_not_an_object_exit_2(pack_dir: Path) -> None:
    result = run("judge", "--pack", "sample", "-", stdin="[1, 2]", pack_dir=pack_dir)
    assert result.returncode == 2
    assert result.stderr.startswith("facts:")


def test_missing_file_exits_2(pack_dir: Path, tmp_path: Path) -> None:
    result = run("judge", "--pack", "sample", str(tmp_path / "none.json"), pack_dir=pack_dir)
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_unknown_pack_exits_3(pack_dir: Path, facts: dict[str, object]) -> None:
    result = run("judge", "--pack", "atlantis", "-", stdin=json.dumps(facts), pack_dir=pack_dir)
    assert result.returncode == 3
    assert "atlantis" in result.stderr and "Traceback" not in result.stderr


def test_meeting_on_a_pack_without_meeting_rules_exits_2(pack_dir: Path) -> None:
    facts = {"important_information": True, "role": "host"}
    result = run("meeting", "--pack", "sample", "-", stdin=json.dumps(facts), pack_dir=pack_dir)
    assert result.returncode == 2
    assert "web-conference" in result.stderr


def test_validate_lists_every_error_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SAMPLE.replace("phase: selection", "phase: choosing"), encoding="utf-8")
    result = run("policy", "validate", str(bad))
    assert result.returncode == 1
    assert result.stderr.count("items.") == 2  # both selection items are wrong
    assert all(line.startswith(f"{bad}:") for line in result.stderr.splitlines())


def test_validate_clean_pack_exits_0(pack_dir: Path) -> None:
    result = run("policy", "validate", str(pack_dir / "sample.yaml"))
    assert result.returncode == 0
    assert result.stdout.startswith("OK ")


def test_validate_without_paths_checks_every_installed_pack() -> None:
    result = run("policy", "validate")
    assert result.returncode == 0, result.stderr
    for pack_id in ("amagasaki", "kitakyushu", "osaka", "kobe", "special-terms"):
        assert f"({pack_id} " in result.stdout


def test_show_json_lists_items_with_phase_and_track(pack_dir: Path) -> None:
    result = run("policy", "show", "sample", "--json", pack_dir=pack_dir)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["id"], shown["version"]) == ("sample", "1.0.0")
    remote = next(i for i in shown["items"] if i["id"] == "build.remote")
    assert (remote["phase"], remote["track"]) == ("build", "any")
    assert remote["when"] == {"fact": "direct_internet_login"}


def test_show_text_names_clauses(pack_dir: Path) -> None:
    result = run("policy", "show", "sample", pack_dir=pack_dir)
    assert result.returncode == 0
    assert "3.5.1ク" in result.stdout


def test_diff_lists_added_removed_and_changed(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(SAMPLE, encoding="utf-8")
    changed = (
        SAMPLE.replace('version: "1.0.0"', 'version: "1.1.0"')
        .replace("高い方の選定条件", "高い方の選定条件（改定）")
        .replace(
            '  - {id: sel.low, phase: selection, track: low, text: 低い方の選定条件, source: {clause: "4.1"}}\n',
            "",
        )
        + '  - {id: ops.new, phase: operation, text: 新しい運用条件, source: {clause: "6.1"}}\n'
    )
    # The appended item belongs under items:, so move findings after it.
    head, findings = changed.split("findings:\n", 1)
    findings_block, new_item = findings.rsplit("  - {id: ops.new", 1)
    new.write_text(head + "  - {id: ops.new" + new_item + "findings:\n" + findings_block, encoding="utf-8")
    result = run("policy", "diff", str(old), str(new), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    kinds = {c["id"]: c["kind"] for c in data["items"]}
    assert kinds == {"sel.high": "changed", "sel.low": "removed", "ops.new": "added"}
    assert next(c for c in data["items"] if c["id"] == "sel.high")["fields"] == ["text"]
    text = run("policy", "diff", str(old), str(new)).stdout
    assert "1.0.0 -> 1.1.0" in text and "+ item ops.new" in text and "- item sel.low" in text


def test_no_arguments_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert "usage" in result.stderr


@pytest.mark.parametrize("args", [("policy",), ("judge", "-")])
def test_incomplete_commands_are_usage_errors(args: tuple[str, ...]) -> None:
    assert run(*args).returncode == 2
