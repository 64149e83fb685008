"""The application pages read in English when English is chosen and stay Japanese by default; the
Japanese half of a refusal and the notifications stay Japanese whoever acted in English."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from kumokan.applications import actions
from kumokan.applications.choices import Answer, Outcome, Party, Status, Step
from kumokan.applications.models import (
    Application,
    ChecklistAnswer,
    Decision,
    FindingExplanation,
    JudgmentSnapshot,
)
from kumokan.applications.tests import factories as f
from kumokan.applications.workflow import transition
from kumokan.errors import WorkflowError
from kumokan.notifications.models import Notification

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
BADGES = re.compile(r'<span class="badge [^"]*">([^<]*)</span>')
RADIOS = re.compile(r'<input type="radio" name="([^"]+)" value="(\w+)"[^>]*>\s*([^<]*?)\s*</label>')


def pages(client: Client, url: str) -> tuple[str, str]:
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    japanese = client.get(url)
    assert english.status_code == japanese.status_code == 200
    return english.content.decode(), japanese.content.decode()


def test_my_applications_show_their_status_in_english() -> None:
    city = f.city()
    f.submitted(city)
    client = Client()
    client.force_login(city.applicant)

    english, japanese = pages(client, "/applications/")

    assert BADGES.findall(english) == ["Under review"]
    assert BADGES.findall(japanese) == ["審査中"]


def test_the_decision_form_offers_its_outcomes_in_english() -> None:
    city = f.city()
    application = f.submitted(city)
    client = Client()
    client.force_login(city.security_manager)

    english, japanese = pages(client, f"/approvals/{application.pk}/")

    outcomes = [(value, label) for name, value, label in RADIOS.findall(english) if name == "outcome"]
    assert outcomes == [("approved", "Approved"), ("rejected", "Rejected"), ("returned", "Returned")]
    assert [label for name, _, label in RADIOS.findall(japanese) if name == "outcome"] == [
        "承認",
        "却下",
        "差戻し",
    ]
    assert "Under review" in BADGES.findall(english)


def test_the_checklist_offers_its_answers_in_english() -> None:
    city = f.city()
    application = f.draft(city)
    client = Client()
    client.force_login(city.applicant)

    english, japanese = pages(client, f"/applications/{application.pk}/checklist/")

    answers = {label for name, _, label in RADIOS.findall(english) if name.startswith("answer")}
    assert answers and answers <= {"Conforms", "Does not conform", "Not applicable", "Accepted", "Mitigated"}
    assert "適合" in {label for name, _, label in RADIOS.findall(japanese) if name.startswith("answer")}


def test_a_returned_application_shows_the_outcome_in_english() -> None:
    city = f.city()
    application = f.decided(city, Outcome.RETURNED)
    client = Client()
    client.force_login(city.applicant)

    english, japanese = pages(client, f"/applications/{application.pk}/")

    # The state and the decision; the track's badge is the pack's own wording (data, not a msgid).
    assert BADGES.findall(english).count("Returned") == 2
    assert BADGES.findall(japanese).count("差戻し") == 2


def test_the_japanese_half_of_a_refusal_stays_japanese_in_english() -> None:
    with translation.override("en"), pytest.raises(WorkflowError) as refused:
        transition(Status.APPROVED, Step.WITHDRAW)

    assert refused.value.ja == "「承認」の申請は取下げできません。"


def test_a_rejection_notice_is_japanese_though_the_approver_works_in_english() -> None:
    city = f.city()
    application = f.submitted(city)

    with translation.override("en"):
        actions.decide(
            acting_user=city.security_manager,
            application=application,
            outcome=Outcome.REJECTED,
            reason="記載内容に不足があります。",
            expected_version=f.fresh(application).version,
        )

    notice = Notification.objects.get(user=city.applicant, verb="rejected")
    assert "の利用申請が却下されました。" in notice.text


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_state_answer_step_and_field_name_has_a_label_in_each_language(language: str) -> None:
    with translation.override(language):
        labels = [
            str(choice.label) for choices in (Status, Answer, Outcome, Step, Party) for choice in choices
        ]
        for model in (Application, JudgmentSnapshot, ChecklistAnswer, FindingExplanation, Decision):
            labels += [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
            labels += [str(field.verbose_name) for field in model._meta.get_fields() if field.concrete]

    japanese = {label for label in labels if JAPANESE.search(label)}
    if language == "en":
        assert japanese == set()
    else:
        assert set(labels) - japanese == {"ID"}


def test_a_refused_submission_reads_in_the_language_of_the_page(client: Client) -> None:
    city = f.city("kobe")
    application = f.draft(city)
    client.force_login(city.applicant)
    url = f"/applications/{application.pk}/submit/"
    version = {"version": application.version}
    count = len(application.judgment.items("selection"))

    japanese = client.post(url, version, follow=True)
    english = client.post(url, version, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert [str(m) for m in japanese.context["messages"]] == [
        f"選定条件の確認事項に未回答が{count}件あります。"
    ]
    assert [str(m) for m in english.context["messages"]] == [
        f"{count} selection checklist items are unanswered"
    ]
