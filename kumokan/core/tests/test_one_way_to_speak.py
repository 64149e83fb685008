"""Every refusal and notification is written once, as an English msgid the translators see (issue 14 point 6).

A hand-written (Japanese, English) pair never reaches the catalogue, so a translator cannot correct it and
the English page cannot be checked against it. These tests read the source of every app.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Set
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAZY = {"gettext_lazy", "pgettext_lazy", "ngettext_lazy", "npgettext_lazy"}
# Text that comes in both languages from the policy engine (which knows no Django), and a lazy msgid
# with its parameters.
BRIDGES = {"in_both", "interpolate"}
# kumokan.errors.Spoken: every error a person reads (WorkflowError, the spreadsheet's, 和暦's and the ISMAP
# list's refusals). Its subclasses anywhere in kumokan are found by spoken_classes.
REFUSALS = {"Spoken", "WorkflowError", "ConflictError"}
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


def refusal_classes(tree: ast.Module, known: Set[str] = REFUSALS) -> set[str]:
    """The module's own subclasses of a refusal (class _Refused(WorkflowError)), at any depth."""
    names = set(known)
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    while True:
        found = {
            node.name
            for node in classes
            if any(isinstance(base, ast.Name) and base.id in names for base in node.bases)
        }
        if found <= names:
            return names - set(known)
        names |= found


@functools.cache
def spoken_classes() -> frozenset[str]:
    """Every refusal class in kumokan: Spoken and its subclasses in all modules (DateFormatError in
    kumokan.core.wareki is raised in kumokan.catalog.ismap_list too)."""
    names = set(REFUSALS)
    trees = [ast.parse(path.read_text(), str(path)) for path in sources()]
    while True:
        found = set().union(*(refusal_classes(tree, names) for tree in trees))
        if not found:
            return frozenset(names)
        names |= found


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


def problems_in(path: Path, known: Set[str] = REFUSALS) -> list[str]:
    return problems_in_source(path.read_text(), str(path.relative_to(ROOT.parent)), known)


def problems_in_source(source: str, where: str = "example.py", known: Set[str] = REFUSALS) -> list[str]:
    tree = ast.parse(source, where)
    lazy = lazy_names(tree)
    eager = eager_names(tree)
    found = []
    refusals = known | refusal_classes(tree, known)
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
    # Any other exception raised with a pair, or with pairs in a list (ListFormatError([(ja, en)])).
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and called(node.exc) not in refusals
        ):
            texts = sum(1 for arg in node.exc.args if written_text(arg))
            pairs = [
                part
                for part in ast.walk(node.exc)
                if isinstance(part, ast.Tuple) and len(part.elts) == 2 and all(map(written_text, part.elts))
            ]
            if texts >= 2 or pairs:
                found.append(
                    f"{where}:{node.lineno}: raise {called(node.exc)} with a (Japanese, English) pair"
                )
    # A subclass of a refusal hands its text to the refusal in super().__init__(...).
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef) and cls.name in refusals - known:
            for node in ast.walk(cls):
                if isinstance(node, ast.Call) and is_super_init(node):
                    found += refusal_problems(node, cls.name, lazy, where)
    return found


# Modules that still raise other exceptions with two written texts, not yet converted: pydantic's errors
# (an error type and its English message; the Japanese comes from kumokan.api.errors.VALIDATION_MESSAGES).
# Their refusals and notifications are checked all the same.
PAIRS_LEFT = {
    "kumokan/api/inputs.py",
}


def test_no_refusal_or_notification_is_a_hand_written_pair() -> None:
    known = spoken_classes()
    found = [
        problem
        for path in sources()
        for problem in problems_in(path, known)
        if not (str(path.relative_to(ROOT.parent)) in PAIRS_LEFT and ": raise " in problem)
    ]

    assert found == []


def test_the_spreadsheet_date_and_ismap_list_refusals_are_checked() -> None:
    """The readers of files people keep speak as WorkflowError does (issue 17 review)."""
    known = spoken_classes()

    assert {"DateFormatError", "SpreadsheetRefused", "ListProblem"} <= known
    pair = 'raise DateFormatError("「x」は日付として読めません", "x is not a date")'
    assert problems_in_source(pair, known=known)


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
            "class ListProblem(Spoken):\n    pass\n"
            'raise ListProblem("登録の行がありません。", "the list has no registrations")',
            "pair",
        ),
        ('raise SpreadsheetRefused(f"row {row}: not CSV", row=row)', "not through gettext"),
        ('raise ValueError(f"{header}が空です。", f"{header} is empty")', "pair"),
        ('raise ListFormatError([("登録の行がありません。", "the list has no registrations")])', "pair"),
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
    found = problems_in_source(source, known=spoken_classes())

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
