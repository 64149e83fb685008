"""A refused action is shown one way: on the form (a field, or the whole form) or as messages."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.utils import translation

from kumokan.core.refusals import refusal_as_message, refusal_on_form
from kumokan.errors import WorkflowError, in_both


class PeriodForm(forms.Form):
    period_end = forms.CharField(required=False)


def _form() -> PeriodForm:
    form = PeriodForm({"period_end": ""})
    assert form.is_valid()
    return form


def test_an_action_that_goes_through_leaves_the_form_clean() -> None:
    form = _form()
    with refusal_on_form(form) as attempt:
        done = 1
    assert done == 1
    assert not attempt.refused
    assert not form.errors


def test_a_refusal_goes_on_the_field_named_for_its_code_else_on_the_whole_form() -> None:
    form = _form()
    with refusal_on_form(form, fields={"period": "period_end"}) as attempt:
        raise WorkflowError(in_both("期間が不正です。", "the period is wrong"), code="period")
    assert attempt.refused and attempt.refusal is not None and attempt.refusal.code == "period"
    assert form.errors == {"period_end": ["期間が不正です。"]}
    other = _form()
    with refusal_on_form(other, fields={"period": "period_end"}):
        raise WorkflowError(in_both("できません。", "not allowed"), code="state")
    assert other.non_field_errors() == ["できません。"]


def test_a_refusal_with_reasons_shows_each_reason_or_the_summary_first() -> None:
    refusal = WorkflowError(
        in_both("2件の項目を記録できませんでした。", "2 items could not be recorded"),
        code="refused",
        details=(WorkflowError(in_both("一つ目", "first")), WorkflowError(in_both("二つ目", "second"))),
    )
    form = _form()
    with refusal_on_form(form, "period_end"):
        raise refusal
    assert form.errors["period_end"] == ["一つ目", "二つ目"]
    with_summary = _form()
    with translation.override("en"), refusal_on_form(with_summary, summary=True):
        raise refusal
    # Each line is shown on its own, so each reads as a sentence in English (issue 17).
    assert with_summary.non_field_errors() == ["2 items could not be recorded", "First", "Second"]


def test_a_refusal_as_a_message_is_an_error_message_for_the_next_page() -> None:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    with refusal_as_message(request) as attempt:
        raise WorkflowError(in_both("取り下げられません。", "cannot be withdrawn"), code="state")
    assert attempt.refused
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("error", "取り下げられません。")]


def test_other_exceptions_pass_through() -> None:
    form = _form()
    with pytest.raises(ValueError), refusal_on_form(form):
        raise ValueError("not a refusal")
    assert not form.errors
