"""Every refusal and notification is written once, as an English msgid the translators see (issue 14 point 6).

A hand-written (Japanese, English) pair never reaches the catalogue, so a translator cannot correct it and
the English page cannot be checked against it. These tests read the source of every app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAZY = {"gettext_lazy", "pgettext_lazy", "ngettext_lazy", "npgettext_lazy"}
# Text that comes in both languages from the policy engine (which knows no Django), and a lazy msgid
# with its parameters.
BRIDGES = {"in_both", "interpolate"}
REFUSALS = {"WorkflowError", "ConflictError"}


def sources() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.py") if "tests" not in path.parts and "migrations" not in path.parts
    )


def lazy_names(tree: ast.Module) -> set[str]:
    """The names under which the module imports a lazy gettext (`gettext_lazy as _` makes `_` one)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            names |= {alias.asname or alias.name for alias in node.names if alias.name in LAZY}
    return names


def called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def written_text(node: ast.expr) -> bool:
    """A literal text (or one built from literals) in the source, i.e. not through gettext."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value != ""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return written_text(node.left) or written_text(node.right)
    return False


def refusal_classes(tree: ast.Module) -> set[str]:
    """The module's own subclasses of a refusal (class _Refused(WorkflowError))."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id in REFUSALS for base in node.bases
        ):
            names.add(node.name)
    return names


def is_super_init(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and called(func.value) == "super"
    )


def refusal_problems(node: ast.Call, name: str, lazy: set[str], where: str) -> list[str]:
    if len(node.args) != 1:
        return [f"{where}:{node.lineno}: {name} with a (Japanese, English) pair"]
    if written_text(node.args[0]):
        return [f"{where}:{node.lineno}: {name} with text not through gettext"]
    if isinstance(node.args[0], ast.Call) and called(node.args[0]) not in lazy | BRIDGES:
        # gettext (not lazy) would fix the language of the refusal when it is raised.
        return [f"{where}:{node.lineno}: {name}'s text is not gettext_lazy"]
    return []


def problems_in(path: Path) -> list[str]:
    return problems_in_source(path.read_text(), str(path.relative_to(ROOT.parent)))


def problems_in_source(source: str, where: str = "example.py") -> list[str]:
    tree = ast.parse(source, where)
    lazy = lazy_names(tree)
    found = []
    refusals = REFUSALS | refusal_classes(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = called(node)
        if name in refusals:
            found += refusal_problems(node, name, lazy, where)
        elif name == "check_version" and (len(node.args) != 3 or written_text(node.args[0])):
            found.append(f"{where}:{node.lineno}: check_version with a hand-written name")
        elif name == "Message" and node.args and written_text(node.args[0]):
            found.append(f"{where}:{node.lineno}: a notification's text not marked for translation")
        elif name == "notify" and len(node.args) > 1 and written_text(node.args[1]):
            found.append(f"{where}:{node.lineno}: a notification built from a hand-written text")
    # A subclass of a refusal hands its text to the refusal in super().__init__(...).
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef) and cls.name in refusals - REFUSALS:
            for node in ast.walk(cls):
                if isinstance(node, ast.Call) and is_super_init(node):
                    found += refusal_problems(node, cls.name, lazy, where)
    return found


def test_no_refusal_or_notification_is_a_hand_written_pair() -> None:
    found = [problem for path in sources() for problem in problems_in(path)]

    assert found == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('raise WorkflowError("変更できません。", "cannot change", code="x")', "pair"),
        ('raise WorkflowError(f"the {thing} is gone", code="x")', "not through gettext"),
        (
            'from django.utils.translation import gettext as _\nraise WorkflowError(_("gone"), code="x")',
            "not gettext_lazy",
        ),
        ('check_version("申請", "application", 1, 2)', "hand-written name"),
        (
            "class Refused(WorkflowError):\n"
            "    def __init__(self):\n"
            '        super().__init__("読めません。", "unreadable", code="x")',
            "pair",
        ),
        ('notify(users, f"{service}が承認されました。", url)', "hand-written text"),
    ],
)
def test_the_check_sees_each_kind_of_hand_written_text(source: str, problem: str) -> None:
    found = problems_in_source(source)

    assert len(found) == 1 and problem in found[0]


def test_a_lazy_refusal_passes() -> None:
    source = (
        "from django.utils.translation import gettext_lazy as _\n"
        'raise WorkflowError(_("the %(thing)s is gone"), code="gone", params={"thing": thing})\n'
    )
    assert problems_in_source(source) == []
