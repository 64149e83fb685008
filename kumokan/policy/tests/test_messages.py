"""The engine's refusals come from one table (issue 14 point 5): kumokan.policy.errors.MESSAGES."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from kumokan.policy.errors import MESSAGES, Problem, message

ENGINE = Path(__file__).resolve().parents[1]
# Modules that refuse: their words are the table's. (pack.py and schemas.py describe the format and
# the judgment; authoring.py writes a starting pack in Japanese.)
REFUSING = ["cases.py", "checks.py", "conditions.py", "facts.py", "judge.py", "library.py", "loader.py"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _strings(tree: ast.AST) -> list[str]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize("name", REFUSING)
def test_no_refusal_is_written_at_its_raise_site(name: str) -> None:
    tree = ast.parse((ENGINE / name).read_text(encoding="utf-8"))
    assert [s for s in _strings(tree) if JAPANESE.search(s)] == []


def test_every_message_is_used_and_fills_in_both_languages() -> None:
    sources = "".join((ENGINE / name).read_text(encoding="utf-8") for name in [*REFUSING, "errors.py"])
    for code, (ja, en) in MESSAGES.items():
        assert f'"{code}"' in sources.replace(f'    "{code}": (', ""), code
        ja_fields = {f for _, f, _, _ in string.Formatter().parse(ja) if f}
        en_fields = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        ja_text, en_text = message(code, **dict.fromkeys(ja_fields | en_fields, 1))
        assert "{" not in ja_text + en_text, code


def test_a_problem_of_the_table_keeps_its_code_and_words() -> None:
    problem = Problem.of("pack", "pack_repeated", shown="kobe")
    assert (problem.code, problem.ja, problem.en) == (
        "pack_repeated",
        *message("pack_repeated", shown="kobe"),
    )
    assert problem.line() == "pack: 同じパックが2回指定されています（kobe） / a pack is given twice (kobe)"
