"""Who applies is the track's rule: on Kitakyushu's 重要情報資産 track the 所属長 applies to the CISO
(001_4592fdea49096e9a.txt 5.2(1)①), so a plain applicant of the department is refused with the clause;
on the other track the 職員 apply (5.2(2)①). Action, web form and submission ask routing.may_apply."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kumokan.applications import actions, routing
from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f
from kumokan.applications.tests.test_new_application_page import form_data
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError

pytestmark = pytest.mark.django_db


def kitakyushu() -> f.City:
    return f.city("kitakyushu", overlays=())


def test_a_plain_applicant_is_refused_on_the_important_information_track_citing_the_clause() -> None:
    c = kitakyushu()
    with pytest.raises(WorkflowError) as refused:
        f.draft(c, applicant=c.applicant)
    assert refused.value.code == "not_applicant"
    assert "所属長" in refused.value.ja and "北九州市" in refused.value.ja and "5.2(1)①" in refused.value.ja
    assert "重要情報資産を取り扱う場合" in refused.value.ja
    assert "5.2(1)①" in refused.value.en and "所属長" in refused.value.en
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(action="application.create_draft").exists()


def test_the_head_of_the_department_applies_on_the_important_information_track() -> None:
    c = kitakyushu()
    application = f.draft(c, applicant=c.head)
    assert application.judgment.track == "high"
    assert application.applicant == c.head
    assert AuditEvent.objects.filter(action="application.create_draft", actor=c.head).exists()


def test_a_plain_applicant_and_staff_apply_on_the_other_track() -> None:
    c = kitakyushu()
    assert f.draft(c, high=False, applicant=c.applicant).judgment.track == "low"
    assert f.draft(c, high=False, applicant=c.staff).applicant == c.staff


def test_the_head_of_another_department_is_refused_without_the_clause() -> None:
    c = kitakyushu()
    with pytest.raises(PermissionDenied):
        f.draft(c, applicant=c.other_head)


def test_changing_a_draft_onto_the_important_information_track_is_refused_and_changes_nothing() -> None:
    c = kitakyushu()
    application = f.draft(c, high=False, applicant=c.applicant)
    with pytest.raises(WorkflowError) as refused:
        actions.update_draft(
            acting_user=c.applicant, application=application, changes={"facts": f.facts(c.slug)}
        )
    assert refused.value.code == "not_applicant" and "5.2(1)①" in refused.value.ja
    fresh = f.fresh(application)
    assert fresh.version == 1 and fresh.judgment.track == "low"
    assert application.snapshots.count() == 1


def test_the_routing_lists_who_may_apply_on_each_track() -> None:
    c = kitakyushu()
    high = f.draft(c).judgment.judgment
    low = f.draft(c, high=False).judgment.judgment
    assert list(routing.applicants(c.department, high)) == [c.head]
    assert set(routing.applicants(c.department, low)) == {c.applicant, c.staff}
    assert not routing.may_apply(c.applicant, c.department, high)
    assert routing.may_apply(c.head, c.department, high)


def test_other_cities_keep_their_applicant_on_both_tracks() -> None:
    for slug in ("kobe", "amagasaki"):
        c = f.city(slug)
        for high in (True, False):
            assert f.draft(c, high=high, applicant=c.applicant).applicant == c.applicant
        with pytest.raises(PermissionDenied):
            f.draft(c, applicant=c.head)


def kitakyushu_form(c: f.City, **overrides: Any) -> dict[str, Any]:
    return form_data(c, function_name="申請受付", **overrides)


def test_the_web_form_refuses_a_plain_applicant_with_the_clause_in_japanese(client: Client) -> None:
    c = kitakyushu()
    client.force_login(c.applicant)

    response = client.post("/applications/new/", kitakyushu_form(c))

    assert response.status_code == 200
    assert not Application.objects.exists()
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert "所属長が行います" in errors[0] and "5.2(1)①" in errors[0]


def test_the_web_form_refuses_a_plain_applicant_with_the_clause_in_english(client: Client) -> None:
    c = kitakyushu()
    client.force_login(c.applicant)

    response = client.post("/applications/new/", kitakyushu_form(c), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "the application is made by the 所属長" in errors[0] and "5.2(1)①" in errors[0]


def test_the_web_form_saves_the_heads_application(client: Client) -> None:
    c = kitakyushu()
    client.force_login(c.head)

    response = client.post("/applications/new/", kitakyushu_form(c))

    assert response.status_code == 302
    assert Application.objects.get().applicant == c.head


def test_the_web_form_saves_a_plain_applicants_application_on_the_other_track(client: Client) -> None:
    c = kitakyushu()
    client.force_login(c.applicant)

    response = client.post("/applications/new/", kitakyushu_form(c, confidentiality="その他"))

    assert response.status_code == 302
    assert Application.objects.get().judgment.track == "low"
