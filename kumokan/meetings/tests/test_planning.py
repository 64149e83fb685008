"""The planner's measures come from the engine under the municipality's pack (Kitakyushu §6)."""

from __future__ import annotations

import pytest

from kumokan.applications.tests.factories import city
from kumokan.meetings.planning import Invitation, NoMeetingRules, examples_for, invitation_text, plan_meeting

pytestmark = pytest.mark.django_db

EVERYONE = [
    "meeting.all.issued-device",
    "meeting.all.latest-software",
    "meeting.all.headphones",
]
HOST = [
    "meeting.host.password",
    "meeting.host.password-safe-notice",
    "meeting.host.waiting-room",
    "meeting.host.remove-suspicious",
    "meeting.host.cloud-or-on-premises",
]


def ids(measures: list[dict]) -> set[str]:
    return {m["id"] for m in measures}


def example(eid: str) -> dict:
    return next(e for e in examples_for("kitakyushu") if e.id == eid).facts


def test_the_examples_of_6_4_are_presets_of_kitakyushu() -> None:
    examples = examples_for("kitakyushu")

    assert [(e.clause, e.title) for e in examples] == [
        ("6.4(1)", "重要情報資産を取り扱う会議"),
        ("6.4(2)", "重要情報資産を取り扱わない事前申し込みを必要とする講習会"),
    ]
    assert examples_for("kobe") == ()


def test_meeting_on_important_information_gives_the_host_the_stricter_measures_of_6_4_1() -> None:
    kitakyushu = city("kitakyushu").municipality

    plan = plan_meeting(kitakyushu, example("important-information"))

    assert ids(plan.own.measures) == {
        *EVERYONE,
        *HOST,
        "meeting.important.e2e",
        "meeting.important.no-e2e-breaking-features",
        "meeting.important.audio-video-chat-only",
        "meeting.important.e2e-product",
        "meeting.important.domestic-data-centres",
        "meeting.important.password-by-another-route",
        "meeting.important.voice-face-check",
    }
    assert ids(plan.participants.measures) == {
        *EVERYONE,
        "meeting.important.e2e",
        "meeting.important.no-e2e-breaking-features",
        "meeting.important.audio-video-chat-only",
    }
    assert [
        m["source"]["clause"]
        for m in plan.own.measures
        if m["id"] == "meeting.important.password-by-another-route"
    ] == ["6.4(1)③"]


def test_lecture_with_registration_gives_the_measures_of_6_4_2_and_none_for_important_information() -> None:
    kitakyushu = city("kitakyushu").municipality

    plan = plan_meeting(kitakyushu, example("lecture-with-registration"))

    # Kitakyushu 6.4(2)②③: secure communication, pre-registration, URL to participants only, a checker.
    assert ids(plan.own.measures) == {
        *EVERYONE,
        *HOST,
        "meeting.lecture.secure-communication",
        "meeting.lecture.pre-registration",
        "meeting.lecture.url-to-participants-only",
        "meeting.lecture.attendance-checker",
    }
    assert ids(plan.participants.measures) == set(EVERYONE)


def test_a_participant_gets_their_own_measures_and_no_participants_section() -> None:
    kitakyushu = city("kitakyushu").municipality
    facts = {**example("important-information"), "role": "participant"}

    plan = plan_meeting(kitakyushu, facts)

    assert not plan.hosting
    assert plan.participants is None
    assert "meeting.host.password" not in ids(plan.own.measures)
    assert "invited_keep_nothing_stored" in {f["code"] for f in plan.own.findings}


def test_invitation_reminds_the_host_to_send_the_password_by_another_route_when_important_information_is_discussed() -> (
    None
):
    kitakyushu = city("kitakyushu").municipality
    plan = plan_meeting(kitakyushu, example("important-information"))
    another_route = next(
        m for m in plan.own.measures if m["id"] == "meeting.important.password-by-another-route"
    )

    text = invitation_text(
        plan, Invitation(title="個人情報保護審査会", when="5月1日 14:00", url="https://meet.example.jp/1")
    )

    assert f"・{another_route['text']}（6.4(1)③）" in text
    assert "別経路" in text
    assert "個人情報保護審査会" in text
    assert "https://meet.example.jp/1" in text
    # The participants are asked to take their own measures, e.g. E2E encryption (6.2(1)③).
    assert "（6.2(1)③）" in text


def test_invitation_has_no_separate_route_reminder_when_no_important_information_is_discussed() -> None:
    kitakyushu = city("kitakyushu").municipality
    plan = plan_meeting(kitakyushu, example("lecture-with-registration"))

    text = invitation_text(plan, Invitation(title="オンライン講習会"))

    assert "別経路" not in text
    assert "6.4(1)" not in text
    # 6.2(2)② still applies to every host: the password goes out by a safe method.
    assert "（6.2(2)②）" in text


def test_a_city_whose_rules_have_no_web_conference_rules_cannot_plan_a_meeting() -> None:
    kobe = city("kobe").municipality

    with pytest.raises(NoMeetingRules):
        plan_meeting(kobe, example("important-information"))
