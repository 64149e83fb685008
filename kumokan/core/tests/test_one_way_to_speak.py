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
EAGER = {"gettext", "pgettext", "ngettext", "npgettext"}
# What writes a reason into the ledger's history (kumokan.ledger.actions.save_change, the steps that call it):
# a reason the system gives is kept as its msgid and read in each reader's language, unless it was already
# made a text (str() of a lazy label, gettext) in the language of whoever acted.
HISTORY_WRITERS = {"save_change", "start_operation", "suspend", "resume", "retire"}
SAVE_CHANGE_REASON = 5  # save_change(acting_user, entry, changed, before, after, reason)


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


def eager_names(tree: ast.Module) -> set[str]:
    """The names under which the module imports a gettext that translates at once (`gettext as _`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            names |= {alias.asname or alias.name for alias in node.names if alias.name in EAGER}
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


def history_reason(node: ast.Call) -> ast.expr | None:
    """The reason a call to a history writer passes, if any."""
    for keyword in node.keywords:
        if keyword.arg == "reason":
            return keyword.value
    if called(node) == "save_change" and len(node.args) > SAVE_CHANGE_REASON:
        return node.args[SAVE_CHANGE_REASON]
    return None


def frozen_reason(reason: ast.expr, eager: set[str]) -> bool:
    """A reason made text in the language of the moment: str(...) of it, or a gettext that is not lazy."""
    return any(
        isinstance(node, ast.Call) and (called(node) == "str" or called(node) in eager)
        for node in ast.walk(reason)
    )


def frozen_through_a_name(tree: ast.Module, eager: set[str], where: str) -> list[str]:
    """A history writer given a name that its function set to a frozen text (reason = _("…") % …)."""
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        frozen = {
            target.id
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and frozen_reason(node.value, eager)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and called(node) in HISTORY_WRITERS:
                reason = history_reason(node)
                if isinstance(reason, ast.Name) and reason.id in frozen:
                    found.add(
                        f"{where}:{node.lineno}: a history reason frozen in one language by str() or gettext"
                    )
    return sorted(found)


def problems_in(path: Path) -> list[str]:
    return problems_in_source(path.read_text(), str(path.relative_to(ROOT.parent)))


def problems_in_source(source: str, where: str = "example.py") -> list[str]:
    tree = ast.parse(source, where)
    lazy = lazy_names(tree)
    eager = eager_names(tree)
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
        elif name in HISTORY_WRITERS:
            reason = history_reason(node)
            if reason is not None and frozen_reason(reason, eager):
                found.append(
                    f"{where}:{node.lineno}: a history reason frozen in one language by str() or gettext"
                )
    found += frozen_through_a_name(tree, eager, where)
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
        (
            "save_change(acting_user, locked, changed, before, after, reason or str(move.step.label))",
            "history reason frozen",
        ),
        (
            "from django.utils.translation import gettext as _\n"
            'reason = entries.suspend(acting_user=u, entry=e, reason=_("Cannot be corrected: %(r)s") % {"r": r})',
            "history reason frozen",
        ),
        (
            "save_change(u, e, changed, before, after, reason=str(EntryStep.SUSPEND.label))",
            "history reason frozen",
        ),
        (
            "from django.utils.translation import gettext as _\n"
            "def close(result):\n"
            '    reason = _("Cannot be corrected: %(result)s") % {"result": result}\n'
            "    entries.suspend(acting_user=u, entry=e, reason=reason)",
            "history reason frozen",
        ),
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


def test_a_lazy_history_reason_passes() -> None:
    source = (
        "from django.utils.translation import gettext_lazy\n"
        "save_change(acting_user, locked, changed, before, after, reason or move.step.label)\n"
        'entries.suspend(acting_user=u, entry=e, reason=interpolate(gettext_lazy("x %(r)s"), {"r": r}))\n'
        "entries.retire(acting_user=u, entry=e, reason=note)\n"
    )
    assert problems_in_source(source) == []
