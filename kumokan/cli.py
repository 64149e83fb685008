"""The `kumokan` command: judge, meeting, schema and policy (CONTRACT.md), thin over kumokan.policy."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kumokan.policy import FactsError, PackLibrary, PolicyError, UnknownPack
from kumokan.policy.authoring import (
    cases_schema,
    pack_schema,
    reference_markdown,
    schema_text,
    todos,
    update_reference,
    write_new_pack,
)
from kumokan.policy.cases import read_table, run_table
from kumokan.policy.conditions import to_data
from kumokan.policy.diff import diff_packs
from kumokan.policy.errors import Problem
from kumokan.policy.facts import MAX_FACTS_BYTES, read_facts
from kumokan.policy.judge import item_data
from kumokan.policy.loader import load_file, validate_file
from kumokan.policy.schemas import facts_schema, judgment_schema

EXIT_BAD_INPUT = 2
EXIT_UNKNOWN_PACK = 3


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        result: int = args.run(args)
    except UnknownPack as exc:
        _report(exc.problems)
        return EXIT_UNKNOWN_PACK
    except FactsError as exc:
        _report(exc.problems)
        return EXIT_BAD_INPUT
    except PolicyError as exc:
        _report(exc.problems)
        return 1
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kumokan", description="kumokan (雲管): cloud service usage rules")
    parser.add_argument(
        "--pack-path",
        default="",
        metavar="DIRS",
        help="directories searched for packs first (separated by os.pathsep), then KUMOKAN_PACK_PATH",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    cmd = commands.add_parser("judge", help="judge one planned use (facts as JSON)")
    cmd.add_argument(
        "--pack", action="append", required=True, metavar="ID", help="municipality, then overlays"
    )
    cmd.add_argument("facts", metavar="FILE|-")
    cmd.set_defaults(run=_judge)

    cmd = commands.add_parser("meeting", help="measures for one web conference")
    cmd.add_argument("--pack", required=True, metavar="ID")
    cmd.add_argument("facts", metavar="FILE|-")
    cmd.set_defaults(run=_meeting)

    cmd = commands.add_parser("schema", help="print the JSON Schema of judge's facts or judgment")
    cmd.add_argument("which", choices=["facts", "judgment"])
    cmd.set_defaults(run=_judge_schema)

    policy = commands.add_parser("policy", help="validate, show and compare packs")
    sub = policy.add_subparsers(required=True, metavar="ACTION")
    cmd = sub.add_parser("validate", help="check packs (all installed packs when no path is given)")
    cmd.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    cmd.set_defaults(run=_validate)
    cmd = sub.add_parser("show", help="print a pack")
    cmd.add_argument("pack_id", metavar="ID")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(run=_show)
    cmd = sub.add_parser("diff", help="items added, removed and changed between two versions of a pack")
    cmd.add_argument("old", type=Path, metavar="OLD.yaml")
    cmd.add_argument("new", type=Path, metavar="NEW.yaml")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(run=_diff)
    cmd = sub.add_parser(
        "schema", help="print the pack format (or, with --cases, the case table) as JSON Schema"
    )
    cmd.add_argument("--cases", action="store_true", help="the case-table format of `policy test`")
    cmd.set_defaults(run=_policy_schema)
    cmd = sub.add_parser(
        "new", help="write a starting pack CITY.yaml with a TODO wherever a rule must be read"
    )
    cmd.add_argument("city", metavar="CITY", help="the pack id: lower case letters, digits, . _ -")
    cmd.add_argument("--issuer", help="the municipality's name (e.g. 桜ヶ丘市)")
    cmd.add_argument("--dir", type=Path, default=Path(), help="where to write (default: here)")
    cmd.set_defaults(run=_new)
    cmd = sub.add_parser("reference", help="print the generated reference tables of docs/packs.md")
    cmd.add_argument("--update", type=Path, metavar="FILE", help="rewrite the generated part of FILE instead")
    cmd.set_defaults(run=_reference)
    cmd = sub.add_parser("test", help="run a case table (facts -> expected judgment) against a pack")
    cmd.add_argument("pack", metavar="PACK", help="a pack id, or a pack file")
    cmd.add_argument("cases", type=Path, metavar="CASES.yaml")
    cmd.set_defaults(run=_test)
    return parser


def _library(args: argparse.Namespace, first: Path | None = None) -> PackLibrary:
    """The packs this command sees: `first` (a directory), then --pack-path, then KUMOKAN_PACK_PATH
    (README), then the shipped packs. The command reads the variable; the engine reads none."""
    path = os.pathsep.join([args.pack_path, os.environ.get("KUMOKAN_PACK_PATH", "")])
    library = PackLibrary.from_path(path)
    return library if first is None else PackLibrary([first, *library.dirs], shipped=False)


def _judge(args: argparse.Namespace) -> int:
    _print_json(_library(args).judge(_read_facts(args.facts), args.pack))
    return 0


def _meeting(args: argparse.Namespace) -> int:
    _print_json(_library(args).meeting(_read_facts(args.facts), args.pack))
    return 0


def _judge_schema(args: argparse.Namespace) -> int:
    _print_json(facts_schema() if args.which == "facts" else judgment_schema())
    return 0


def _validate(args: argparse.Namespace) -> int:
    paths: list[Path] = args.paths or list(_library(args).available().values())
    failed = False
    for path in paths:
        problems = validate_file(path)
        if problems:
            failed = True
            _report(problems)
            continue
        # A pack can be valid in shape and still unfinished: each TODO is a rule still to be read.
        left = todos(path.read_text(encoding="utf-8"))
        if left:
            failed = True
            _report(
                [Problem(f"{path}:{t.line}", "TODO が残っています", f"still TODO: {t.text}") for t in left]
            )
            print(f"TODO {path}: {len(left)} 件 / {len(left)} left")
            continue
        pack = load_file(path).pack
        print(f"OK {path} ({pack.id} {pack.version}, {len(pack.items)} items)")
    return 1 if failed else 0


def _policy_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text(cases_schema() if args.cases else pack_schema()))
    return 0


def _reference(args: argparse.Namespace) -> int:
    if args.update is None:
        sys.stdout.write(reference_markdown())
        return 0
    text = args.update.read_text(encoding="utf-8")
    args.update.write_text(update_reference(text), encoding="utf-8")
    print(f"updated {args.update}")
    return 0


def _new(args: argparse.Namespace) -> int:
    try:
        written = write_new_pack(args.dir, args.city, args.issuer)
    except ValueError:
        _report(
            [Problem("CITY", "英小文字・数字・. _ - で書いてください", f"{args.city!r} is not a pack id")]
        )
        return EXIT_BAD_INPUT
    except FileExistsError as exc:
        _report([Problem(str(exc), "すでにあります（上書きしません）", "already exists (not overwritten)")])
        return EXIT_BAD_INPUT
    except OSError as exc:
        _report([Problem(str(args.dir), f"書けません（{exc.strerror}）", f"cannot write ({exc.strerror})")])
        return EXIT_BAD_INPUT
    for path in written:
        print(f"wrote {path}")
    return 0


def _test(args: argparse.Namespace) -> int:
    pack_id = args.pack
    library = _library(args)
    if pack_id.endswith((".yaml", ".yml")):
        path = Path(pack_id)
        if not path.is_file():
            _report([Problem(pack_id, "ファイルがありません", "no such pack file")])
            return EXIT_BAD_INPUT
        # The file's directory is searched first, so its overlays and id resolve as installed packs do.
        library = _library(args, path.resolve().parent)
        pack_id = library.load_file(path).id
    try:
        table, lines = read_table(args.cases)
    except PolicyError as exc:
        _report(exc.problems)
        return EXIT_BAD_INPUT
    results = run_table(table, lines, pack_id, library)
    for result in results:
        if not result.passed:
            print(f"FAIL {args.cases}:{result.line}: {result.name}: {'; '.join(result.failures)}")
    failed = sum(not r.passed for r in results)
    print(f"{len(results)} cases, {len(results) - failed} passed, {failed} failed ({pack_id})")
    return 1 if failed else 0


def _show(args: argparse.Namespace) -> int:
    loaded = _library(args).load(args.pack_id)
    pack = loaded.pack
    items = [dict(item_data(pack, i), when=to_data(i.when)) for i in pack.items]
    if args.json:
        _print_json({"id": pack.id, "version": pack.version, "digest": loaded.digest, "items": items})
        return 0
    print(f"{pack.id} {pack.version}  {pack.issuer} {pack.title}  ({loaded.path})")
    for item in items:
        src = item["source"]
        condition = f"  when {json.dumps(item['when'], ensure_ascii=False)}" if item["when"] else ""
        print(f"[{item['phase']}/{item['track']}] {item['id']}  {src['file']} {src['clause']}{condition}")
        print(f"    {item['text']}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    result = diff_packs(load_file(args.old).pack, load_file(args.new).pack)
    if args.json:
        _print_json(result.as_data())
        return 0
    print(f"{result.pack_id}: {result.old_version} -> {result.new_version}")
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for label, changes in (("items", result.items), ("rechecks", result.rechecks)):
        for change in changes:
            detail = f" ({', '.join(change.fields)})" if change.fields else ""
            text = (change.new or change.old or {}).get("text", "")
            print(f"{marks[change.kind]} {label[:-1]} {change.id}{detail}  {text}")
    for section in result.sections:
        print(f"~ section {section}")
    if result.empty:
        print("no differences")
    return 0


def _read_facts(name: str) -> Any:
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(MAX_FACTS_BYTES + 1)
        else:
            with Path(name).open("rb") as file:
                raw = file.read(MAX_FACTS_BYTES + 1)
    except OSError as exc:
        raise FactsError(
            [Problem("facts", f"読めません: {name}（{exc.strerror}）", f"cannot read {name}")]
        ) from None
    return read_facts(raw)


def _print_json(data: Any) -> None:
    sys.stdout.buffer.write(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    sys.stdout.buffer.flush()


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        sys.stderr.buffer.write((problem.line() + "\n").encode("utf-8"))
    sys.stderr.buffer.flush()


if __name__ == "__main__":
    raise SystemExit(main())
