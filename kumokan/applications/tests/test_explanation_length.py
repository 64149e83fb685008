"""An explanation (of a checklist answer or of a finding) has at most EXPLANATION_MAX_LENGTH characters:
refused with a clear message by the action and the checklist page (the API: test_applications.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from kumokan.applications import actions
from kumokan.applications.models import EXPLANATION_MAX_LENGTH, ChecklistAnswer, FindingExplanation
from kumokan.applications.tests import factories as f
from kumokan.errors import WorkflowError

pytestmark = pytest.mark.django_db

LONGEST = "説" * EXPLANATION_MAX_LENGTH
TOO_LONG = LONGEST + "明"


def _blocking(application: Any) -> dict[str, Any]:
    return next(x for x in application.judgment.findings("block") if x["code"] == "required_clauses_missing")


def test_the_action_refuses_an_explanation_over_the_cap_and_saves_nothing() -> None:
    c = f.city("kobe")
    application = f.draft(c, required_clauses_present=False)
    with pytest.raises(WorkflowError) as refused:
        actions.explain_finding(
            acting_user=c.applicant,
            application=application,
            pack_id="kobe",
            code="required_clauses_missing",
            explanation=TOO_LONG,
        )
    assert refused.value.code == "too_long"
    assert f"{EXPLANATION_MAX_LENGTH}文字以内" in refused.value.ja
    assert f"at most {EXPLANATION_MAX_LENGTH} characters" in refused.value.en
    assert not FindingExplanation.objects.exists()
    assert f.fresh(application).version == application.version
    saved = actions.explain_finding(
        acting_user=c.applicant,
        application=application,
        pack_id="kobe",
        code="required_clauses_missing",
        explanation=LONGEST,
    )
    assert len(saved.explanation) == EXPLANATION_MAX_LENGTH


def test_the_action_refuses_an_answers_note_over_the_cap() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    item = application.judgment.items("selection")[0]
    with pytest.raises(WorkflowError) as refused:
        actions.answer_item(
            acting_user=c.applicant,
            application=application,
            pack_id=item["pack"],
            item_id=item["id"],
            answer="conforms",
            note=TOO_LONG,
        )
    assert refused.value.code == "too_long"
    assert not ChecklistAnswer.objects.exists()


def test_the_checklist_page_refuses_it_in_japanese_and_english(client: Client) -> None:
    c = f.city("kobe")
    application = f.draft(c, required_clauses_present=False)
    finding = _blocking(application)
    client.force_login(c.applicant)
    for language, words in (("ja", "文字"), ("en", "characters")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(
            f"/applications/{application.pk}/checklist/",
            {"version": application.version, f"explanation:kobe:{finding['code']}": TOO_LONG},
        )
        assert response.status_code == 200
        errors = response.context["form"].errors[f"explanation:kobe:{finding['code']}"]
        assert str(EXPLANATION_MAX_LENGTH) in errors[0] and words in errors[0], errors
    assert not FindingExplanation.objects.exists()
