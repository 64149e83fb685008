"""A city's acceptance table for its pack: facts → what the judgment must say, written without Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kumokan.policy.errors import FactsError, PackError, Problem
from kumokan.policy.judge import Judgment
from kumokan.policy.library import PackLibrary
from kumokan.policy.loader import _japanese, _LineFinder, _UniqueKeyLoader
from kumokan.policy.pack import Severity
from kumokan.policy.schemas import all_items
from kumokan.policy.tracks import TrackCode


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    """What the judgment must say. Only the keys written are checked; `approver: null` expects none."""

    error: bool = False  # the facts are refused (exit 2 of `kumokan judge`)
    track: TrackCode | None = None
    approver: str | None = None  # the approver's title
    self_approval: bool | None = None
    applicant: str | None = None  # the applicant's title
    service_manager: str | None = None  # the service manager's title
    designation: str | None = None  # how the service manager is designated
    forms: tuple[str, ...] | None = None  # exactly these form ids, in any order
    findings: dict[str, Severity] = Field(default_factory=dict)  # code → severity, each present
    no_findings: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # item ids present (any phase)
    no_items: tuple[str, ...] = ()
    rechecks: tuple[str, ...] = ()
    no_rechecks: tuple[str, ...] = ()
    ledger_fields: tuple[str, ...] = ()  # ledger field ids present


class Case(_Strict):
    name: str = Field(min_length=1)
    facts: dict[str, Any] = Field(default_factory=dict)  # merged over the table's defaults
    overlays: tuple[str, ...] | None = None  # instead of the table's overlays
    configured_approver: str | None = None  # the city's setting where the rules name no approver
    expect: Expect


class CaseTable(_Strict):
    """A scenario table for `kumokan policy test PACK CASES.yaml`."""

    pack: str | None = None  # the pack id the table is written for (checked when given)
    overlays: tuple[str, ...] = ()
    defaults: dict[str, Any] = Field(default_factory=dict)  # facts every case starts from
    cases: tuple[Case, ...] = Field(min_length=1)


@dataclass(frozen=True)
class CaseResult:
    name: str
    line: int
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def read_table(path: Path) -> tuple[CaseTable, list[int]]:
    """The validated table and each case's line, or PackError naming file and line of every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError([Problem.of(str(path), "table_unreadable", reason=exc)]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise PackError([Problem.of(f"{path}{line}", "table_invalid_yaml", detail=exc.problem)]) from None
    try:
        table = CaseTable.model_validate(data)
    except ValidationError as exc:
        finder = _LineFinder(text)
        raise PackError(
            [
                Problem(finder.where(path, tuple(err["loc"])), _japanese(err), err["msg"])
                for err in exc.errors(include_url=False)
            ]
        ) from None
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines = [1] * len(table.cases)
    assert isinstance(root, yaml.MappingNode)  # a table validated as a mapping
    for key, value in root.value:
        if key.value == "cases":
            lines = [node.start_mark.line + 1 for node in value.value]
    return table, lines


def run_table(table: CaseTable, lines: list[int], pack_id: str, library: PackLibrary) -> list[CaseResult]:
    """Judge every case under `pack_id` (and its overlays) from `library` and compare with what it expects."""
    results = []
    for case, line in zip(table.cases, lines, strict=True):
        failures: list[str] = []
        if table.pack is not None and table.pack != pack_id:
            failures.append(f"the table is for pack {table.pack!r}, not {pack_id!r}")
        else:
            overlays = table.overlays if case.overlays is None else case.overlays
            facts = {**table.defaults, **case.facts}
            try:
                judgment = library.judge(
                    facts, [pack_id, *overlays], configured_approver=case.configured_approver
                )
            except FactsError as exc:
                if not case.expect.error:
                    failures.append("facts refused: " + "; ".join(p.line() for p in exc.problems))
            else:
                failures = compare(case.expect, judgment)
        results.append(CaseResult(case.name, line, failures))
    return results


def compare(expect: Expect, judgment: Judgment) -> list[str]:
    """Each way the judgment differs from what the case expects, in words."""
    given = expect.model_fields_set
    failures = []
    if expect.error:
        failures.append("expected the facts to be refused, but they were judged")

    def differs(name: str, got: Any) -> None:
        wanted = getattr(expect, name)
        if name in given and wanted != got:
            failures.append(f"{name}: expected {_shown(wanted)}, got {_shown(got)}")

    differs("track", judgment["track"])
    approver = judgment["approver"]
    differs("approver", approver["title"] if approver else None)
    differs("self_approval", judgment["self_approval"])
    differs("applicant", judgment["applicant"]["title"])
    differs("service_manager", judgment["service_manager"]["title"])
    differs("designation", judgment["service_manager"]["designation"])
    if expect.forms is not None:
        got_forms = sorted(f["id"] for f in judgment["forms"])
        if sorted(expect.forms) != got_forms:
            failures.append(f"forms: expected {sorted(expect.forms)}, got {got_forms}")
    severities = {f["code"]: f["severity"] for f in judgment["findings"]}
    for code, severity in expect.findings.items():
        if code not in severities:
            failures.append(f"finding {code} ({severity.value}) missing")
        elif severities[code] != severity.value:
            failures.append(f"finding {code}: expected {severity.value}, got {severities[code]}")
    failures += [f"finding {code} present" for code in expect.no_findings if code in severities]
    items = {i["id"] for i in all_items(judgment)}
    failures += [f"item {i} missing" for i in expect.items if i not in items]
    failures += [f"item {i} present" for i in expect.no_items if i in items]
    rechecks = {r["id"] for r in judgment["rechecks"]}
    failures += [f"recheck {r} missing" for r in expect.rechecks if r not in rechecks]
    failures += [f"recheck {r} present" for r in expect.no_rechecks if r in rechecks]
    fields = {f["id"] for f in judgment["ledger_fields"]}
    failures += [f"ledger field {f} missing" for f in expect.ledger_fields if f not in fields]
    return failures


def _shown(value: Any) -> str:
    return "null" if value is None else str(value)
