"""A city writing its own pack: schema, starting pack, TODO list and its acceptance table (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from kumokan.cli import main
from kumokan.policy.authoring import cases_schema, pack_schema, schema_text, update_reference
from kumokan.policy.loader import PACK_DIR, load_file, validate_file
from kumokan.policy.tests.conftest import SAMPLE

DOCS = Path(__file__).resolve().parents[3] / "docs"
CASES_DIR = PACK_DIR / "cases"


@pytest.fixture(autouse=True)
def _own_pack_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # The command reads KUMOKAN_PACK_PATH: these tests see the shipped packs (and the file's own directory).
    monkeypatch.setenv("KUMOKAN_PACK_PATH", "")


def test_committed_schemas_are_current() -> None:
    assert (DOCS / "pack.schema.json").read_text(encoding="utf-8") == schema_text(pack_schema())
    assert (DOCS / "cases.schema.json").read_text(encoding="utf-8") == schema_text(cases_schema())


@pytest.mark.parametrize("path", sorted(PACK_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_pack_validates_against_the_schema(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), pack_schema())


def test_schema_rejects_a_misspelt_field_as_the_editor_would_show() -> None:
    data = yaml.safe_load(SAMPLE)
    data["itmes"] = []
    with pytest.raises(jsonschema.ValidationError, match="itmes"):
        jsonschema.validate(data, pack_schema())


def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "Track" in schema["$defs"]


def test_new_writes_a_pack_valid_in_shape_with_its_editor_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "new", "sakuragaoka", "--issuer", "桜ヶ丘市", "--dir", str(tmp_path)]) == 0
    pack = tmp_path / "sakuragaoka.yaml"
    text = pack.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=pack.schema.json\n")
    assert validate_file(pack) == []
    loaded = load_file(pack).pack
    assert loaded.issuer == "桜ヶ丘市"
    assert loaded.document is not None and loaded.seed is None
    for section in ("classification", "roles", "tracks", "ledger_fields", "items", "findings", "rechecks"):
        assert getattr(loaded, section), section
    assert (tmp_path / "pack.schema.json").exists()
    jsonschema.validate(yaml.safe_load(text), pack_schema())


def test_validate_lists_every_todo_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["policy", "new", "sakuragaoka", "--dir", str(tmp_path)])
    capsys.readouterr()
    pack = tmp_path / "sakuragaoka.yaml"
    assert main(["policy", "validate", str(pack)]) == 1
    out = capsys.readouterr()
    todo_lines = [
        n for n, line in enumerate(pack.read_text(encoding="utf-8").splitlines(), 1) if "TODO" in line
    ]
    reported = [line for line in out.err.splitlines() if "TODO" in line]
    assert len(reported) == len(todo_lines) > 20
    assert reported[0].startswith(f"{pack}:{todo_lines[0]}: TODO が残っています / still TODO")
    assert f"{len(todo_lines)} left" in out.out


def test_new_refuses_to_overwrite_and_refuses_a_bad_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sakuragaoka.yaml").write_text("mine", encoding="utf-8")
    assert main(["policy", "new", "sakuragaoka", "--dir", str(tmp_path)]) == 2
    assert (tmp_path / "sakuragaoka.yaml").read_text(encoding="utf-8") == "mine"
    assert main(["policy", "new", "Sakura Ga Oka", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "上書きしません" in err and "is not a pack id" in err


def test_a_pack_may_cite_its_own_document_instead_of_a_seed(tmp_path: Path) -> None:
    text = SAMPLE.replace(
        "seed: 003_458251fa9e15d94e.txt",
        "document: {title: 試験市情報セキュリティ対策基準, file: shiken-kijun, illustrative: true}",
    )
    (tmp_path / "sample.yaml").write_text(text, encoding="utf-8")
    pack = load_file(tmp_path / "sample.yaml").pack
    assert pack.source_file(pack.items[0].source) == "shiken-kijun"
    (tmp_path / "none.yaml").write_text(SAMPLE.replace("seed: 003_458251fa9e15d94e.txt\n", ""), "utf-8")
    (problem,) = validate_file(tmp_path / "none.yaml")
    assert problem.where.endswith("seed") and "document" in problem.en


@pytest.mark.parametrize("path", sorted(CASES_DIR.glob("*.cases.yaml")), ids=lambda p: p.name)
def test_shipped_case_tables_pass(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack_id = yaml.safe_load(path.read_text(encoding="utf-8"))["pack"]
    assert main(["policy", "test", pack_id, str(path)]) == 0, capsys.readouterr().out
    assert " 0 failed" in capsys.readouterr().out


def test_every_municipality_pack_has_a_case_table() -> None:
    tables = {yaml.safe_load(p.read_text(encoding="utf-8"))["pack"] for p in CASES_DIR.glob("*.cases.yaml")}
    municipalities = {
        p.stem
        for p in PACK_DIR.glob("*.yaml")
        if yaml.safe_load(p.read_text("utf-8"))["kind"] == "municipality"
    }
    assert municipalities <= tables


CASES = """\
pack: kobe
defaults: {service_name: s, provider: p, purpose: q, service_model: saas}
cases:
  - name: right
    facts: {confidentiality: "2"}
    expect: {track: high, approver: 情報セキュリティ管理者}
  - name: wrong approver and a missing finding
    facts: {confidentiality: "2"}
    expect:
      approver: CISO
      findings: {pia_required: warn}
  - name: refused as expected
    facts: {confidentiality: "9"}
    expect: {error: true}
  - name: refused unexpectedly
    facts: {confidentiality: "9"}
    expect: {track: high}
"""


def test_failing_rows_print_one_line_each_with_file_and_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "kobe.cases.yaml"
    table.write_text(CASES, encoding="utf-8")
    assert main(["policy", "test", "kobe", str(table)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"FAIL {table}:7: wrong approver and a missing finding: "
        "approver: expected CISO, got 情報セキュリティ管理者; finding pia_required (warn) missing"
    )
    assert lines[1].startswith(f"FAIL {table}:15: refused unexpectedly: facts refused: confidentiality:")
    assert lines[2] == "4 cases, 2 passed, 2 failed (kobe)"


def test_a_pack_file_can_be_tested_before_it_is_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sample.yaml").write_text(SAMPLE, encoding="utf-8")
    table = tmp_path / "t.yaml"
    table.write_text(
        "defaults: {service_name: s, provider: p, purpose: q, service_model: saas}\n"
        "cases:\n  - {name: high, facts: {confidentiality: '3'}, expect: {track: high}}\n",
        encoding="utf-8",
    )
    assert main(["policy", "test", str(tmp_path / "sample.yaml"), str(table)]) == 0
    assert "1 cases, 1 passed, 0 failed (sample)" in capsys.readouterr().out


def test_a_malformed_table_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "bad.yaml"
    table.write_text("pack: kobe\ncases:\n  - name: x\n    expect: {trak: high}\n", encoding="utf-8")
    assert main(["policy", "test", "kobe", str(table)]) == 2
    assert f"{table}:4: cases.0.expect.trak" in capsys.readouterr().err


def test_an_unknown_pack_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "t.yaml"
    table.write_text("cases:\n  - {name: x, facts: {}, expect: {track: high}}\n", encoding="utf-8")
    assert main(["policy", "test", "nowhere", str(table)]) == 3


def test_the_guides_reference_tables_are_current() -> None:
    guide = (DOCS / "packs.md").read_text(encoding="utf-8")
    assert update_reference(guide) == guide, "run: kumokan policy reference --update docs/packs.md"


def test_the_guide_names_every_field_of_a_pack() -> None:
    guide = (DOCS / "packs.md").read_text(encoding="utf-8")
    hand_written = guide[: guide.index("<!-- BEGIN GENERATED")]
    for field in pack_schema()["properties"]:
        assert f"{field}:" in hand_written or f"`{field}`" in hand_written, field
