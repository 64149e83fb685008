"""Reading a facts file as a careful reader would (issue 15 point 9): one clear line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kumokan.policy import FactsError
from kumokan.policy.facts import ISO_3166_ALPHA_2, MAX_FACTS_BYTES, read_facts
from kumokan.policy.tests.installed import judge

FACTS: dict[str, Any] = {
    "service_name": "文書共有サービス",
    "provider": "株式会社テスト",
    "purpose": "庁内の文書共有",
    "service_model": "saas",
    "confidentiality": "2",
}


def cli(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kumokan.cli", "judge", "--pack", "kobe", *args, "-"],
        input=stdin,
        capture_output=True,
        check=False,
    )


def refused(raw: bytes) -> str:
    with pytest.raises(FactsError) as caught:
        read_facts(raw)
    (problem,) = caught.value.problems
    assert problem.where == "facts"
    return problem.line()


# ── the CLI: exit 2, one line, no traceback ─────────────────────────────────


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested"),
        (b'{"a": ' + b"9" * 100_000 + b"}", "number"),
        (json.dumps(FACTS)[:-1].encode() + b', "confidentiality": "1"}', "twice"),
        (b"{}" + b" " * MAX_FACTS_BYTES, "1 MB"),
        (b'{"a": NaN}', "number"),
    ],
    ids=["deep-nesting", "huge-number", "duplicate-key", "over-1-MB", "nan"],
)
def test_the_cli_refuses_what_a_careful_reader_would_in_one_line(payload: bytes, says: str) -> None:
    result = cli(payload)
    assert result.returncode == 2
    err = result.stderr.decode("utf-8")
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert says in err


def test_the_cli_accepts_a_utf8_byte_order_mark() -> None:
    result = cli(b"\xef\xbb\xbf" + json.dumps(FACTS, ensure_ascii=False).encode("utf-8"))
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["track"] == "high"


def test_the_cli_refuses_a_file_over_1_mb(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_bytes(json.dumps(FACTS).encode() + b" " * MAX_FACTS_BYTES)
    result = subprocess.run(
        [sys.executable, "-m", "kumokan.cli", "judge", "--pack", "kobe", str(path)],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1


def test_a_duplicate_key_cannot_change_the_track_silently() -> None:
    # Today's JSON readers keep the last value: "2" then "1" would judge the low track unseen.
    raw = b'{"service_name": "x", "provider": "y", "purpose": "z", "service_model": "saas",'
    raw += b' "confidentiality": "2", "confidentiality": "1"}'
    assert "confidentiality" in refused(raw)


# ── properties of the reader ───────────────────────────────────────────────

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_any_plain_json_reads_back_as_written_with_or_without_a_bom(value: Any) -> None:
    raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
    assert read_facts(raw) == value
    assert read_facts(b"\xef\xbb\xbf" + raw) == value


@settings(max_examples=100, deadline=None)
@given(depth=st.integers(21, 5000), opener=st.sampled_from(["[", '{"a":']))
def test_nesting_deeper_than_twenty_is_refused_in_one_line(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    line = refused((opener * depth + "0" + closer * depth).encode())
    assert "nested" in line and "\n" not in line


@settings(max_examples=50, deadline=None)
@given(digits=st.integers(4301, 50_000), sign=st.sampled_from(["", "-"]))
def test_numbers_too_long_to_be_one_are_refused(digits: int, sign: str) -> None:
    assert "number" in refused(f'{{"n": {sign}{"7" * digits}}}'.encode())


@settings(max_examples=100, deadline=None)
@given(key=st.text(min_size=1, max_size=10), first=json_values, second=json_values)
def test_a_key_written_twice_in_one_object_is_refused(key: str, first: Any, second: Any) -> None:
    pair = json.dumps({key: first})[1:-1] + ", " + json.dumps({key: second})[1:-1]
    line = refused(("{" + pair + "}").encode("utf-8"))
    assert "twice" in line and "\n" not in line


@settings(max_examples=200, deadline=None)
@given(code=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2))
def test_country_codes_are_checked_against_iso_3166(code: str) -> None:
    facts = {**FACTS, "data_location": code, "governing_law": "JP"}
    if code in ISO_3166_ALPHA_2:
        judge(facts, ["kobe"])
        return
    with pytest.raises(FactsError) as caught:
        judge(facts, ["kobe"])
    assert [p.where for p in caught.value.problems] == ["data_location"]


@pytest.mark.parametrize("code", ["XX", "ZZ", "EU", "UK", "jp", "JPN", ""])
def test_codes_that_are_not_assigned_iso_3166_countries_are_refused(code: str) -> None:
    with pytest.raises(FactsError) as caught:
        judge({**FACTS, "governing_law": code}, ["kobe"])
    assert [p.where for p in caught.value.problems] == ["governing_law"]
