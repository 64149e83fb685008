"""Every answer row (kumokan.core.answers.AnsweredItem) records who answered and when one way, in its own columns."""

from __future__ import annotations

import datetime

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
