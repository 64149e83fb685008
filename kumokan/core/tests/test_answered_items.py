"""Every answer row (kumokan.core.answers.AnsweredItem) records who answered and when one way, in its own columns."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model

from kumokan.core.answers import AnsweredItem


def answer_tables() -> list[type[AnsweredItem]]:
    return [model for model in apps.get_models() if issubclass(model, AnsweredItem)]


def test_the_five_answer_tables_name_their_own_who_and_when_columns() -> None:
    names = {model.__name__: model.ANSWERED for model in answer_tables()}
    assert names == {
        "ChecklistAnswer": ("answered_by", "answered_at"),
        "ChecklistTask": ("confirmed_by", "confirmed_at"),
        "SurveyItem": ("answered_by", "answered_at"),
        "SlaRequirement": ("filled_by", "filled_at"),
        "AnnexAnswer": ("recorded_by", "recorded_at"),
    }
    for model in answer_tables():
        who, when = (model._meta.get_field(name) for name in model.ANSWERED)
        assert who.related_model is get_user_model(), model
        assert when.get_internal_type() == "DateTimeField", model


def test_marking_an_item_answered_sets_its_columns_and_names_them() -> None:
    person = get_user_model()(username="tanaka")
    at = datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC)
    for model in answer_tables():
        row = model()
        assert row.mark_answered(person, at) == list(model.ANSWERED)
        assert [getattr(row, name) for name in model.ANSWERED] == [person, at]
        who, when = model.ANSWERED
        row.mark_answered(None)
        assert (getattr(row, f"{who}_id"), getattr(row, when)) == (None, None)


def test_an_item_or_a_findings_key_is_written_in_one_place() -> None:
    """ "pack:item" and "pack:code" are core.answers' (pack_item_key, item_key, finding_key), not a copy of it."""
    root = Path(__file__).resolve().parents[2]
    written = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\{[^{}]*pack[^{}]*\}:\{", line)
    ]
    assert [place.split(":")[0] for place in written] == ["core/answers.py"], written
