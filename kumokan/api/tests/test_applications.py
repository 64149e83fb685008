from __future__ import annotations

import pytest

from kumokan.api.tests.support import assert_error
from kumokan.applications.choices import Status
from kumokan.applications.models import (
    EXPLANATION_MAX_LENGTH,
    Application,
    ChecklistAnswer,
    FindingExplanation,
)
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_an_applicant_starts_a_draft(api_as):
    c = f.city("kobe")

    response = api_as(c.applicant).post(
        "/applications",
        {"municipality": "kobe", "department": "jumin", "facts": f.facts("kobe"), "business_scope": "受付"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    application = Application.objects.get()
    assert body["id"] == application.pk and body["status"] == "draft" and body["version"] == 1
    assert body["judgment"] == application.judgment.judgment
    assert body["steps"] == ["edit", "submit", "withdraw"]
    assert {p["code"] for p in body["submission_problems"]} == {"unanswered_items"}
    assert AuditEvent.objects.filter(action="application.create_draft", actor=c.applicant).exists()


def test_a_department_that_does_not_exist_is_422(api_as):
    c = f.city("kobe")

    body = assert_error(
        api_as(c.applicant).post(
            "/applications", {"municipality": "kobe", "department": "nowhere", "facts": f.facts("kobe")}
        ),
        422,
        "invalid_input",
    )

    assert body["details"][0]["field"] == "department"


def test_applying_in_a_department_where_one_holds_no_applying_role_is_403(api_as):
    c = f.city("kobe")

    assert_error(
        api_as(c.applicant).post(
            "/applications", {"municipality": "kobe", "department": "hoiku", "facts": f.facts("kobe")}
        ),
        403,
    )


def test_a_role_that_does_not_apply_is_403(api_as):
    c = f.city("kobe")

    assert_error(
        api_as(c.chief).post(
            "/applications", {"municipality": "kobe", "department": "jumin", "facts": f.facts()}
        ),
        403,
        "forbidden",
    )


def test_applying_in_another_municipality_is_404(api_as):
    c = f.city("kobe")
    f.city("osaka", approver=("ICT戦略室長", "approver"))

    assert_error(
        api_as(c.applicant).post(
            "/applications", {"municipality": "osaka", "department": "jumin", "facts": f.facts()}
        ),
        404,
    )


def test_facts_the_engine_refuses_are_422_per_key(api_as):
    c = f.city("kobe")

    body = assert_error(
        api_as(c.applicant).post(
            "/applications",
            {
                "municipality": "kobe",
                "department": "jumin",
                "facts": f.facts("kobe", service_model="mainframe"),
            },
        ),
        422,
        "invalid_facts",
    )

    assert [d["field"] for d in body["details"]] == ["service_model"]


def test_text_a_database_cannot_store_is_422(api_as):
    c = f.city("kobe")

    body = assert_error(
        api_as(c.applicant).post(
            "/applications",
            {"municipality": "kobe", "department": "jumin", "facts": f.facts("kobe", purpose="受付\x00")},
        ),
        422,
    )

    assert body["details"][0]["field"] == "facts"
    assert not Application.objects.exists()


def test_the_applicant_changes_a_draft_on_the_version_they_saw(api_as):
    c = f.city("kobe")
    application = f.draft(c)
    client = api_as(c.applicant)

    response = client.patch(f"/applications/{application.pk}", {"version": 1, "notes": "備考"})

    assert response.status_code == 200, response.content
    assert response.json()["notes"] == "備考" and response.json()["version"] == 2
    stale = assert_error(client.patch(f"/applications/{application.pk}", {"version": 1, "notes": "x"}), 409)
    assert stale["code"] == "stale_version"
    assert f.fresh(application).notes == "備考"


def test_new_facts_are_judged_again(api_as):
    c = f.city("kobe")
    application = f.draft(c)

    response = api_as(c.applicant).patch(
        f"/applications/{application.pk}", {"version": 1, "facts": f.facts("kobe", high=False)}
    )

    assert response.json()["track"] == "low"
    assert application.snapshots.count() == 2


def test_nothing_changed_is_400(api_as):
    c = f.city("kobe")
    application = f.draft(c)

    assert_error(
        api_as(c.applicant).patch(f"/applications/{application.pk}", {"version": 1}), 400, "unchanged"
    )


def test_someone_elses_application_cannot_be_changed_even_when_visible(api_as):
    c = f.city("kobe")
    application = f.draft(c)
    colleague = f.member(c.municipality, Role.APPLICANT, c.department)

    assert_error(
        api_as(colleague).patch(f"/applications/{application.pk}", {"version": 1, "notes": "x"}), 404
    )


def test_answer_explain_and_submit_through_the_api(api_as):
    c = f.city("kobe")
    application = f.draft(c, required_clauses_present=False)
    client = api_as(c.applicant)
    version = 1
    for item in application.judgment.items("selection"):
        accept = item["response"] == "accept_or_mitigate"
        body = {
            "version": version,
            "pack": item["pack"],
            "item": item["id"],
            "answer": "accepted" if accept else "conforms",
            "note": "受容する" if accept else "",
        }
        response = client.post(f"/applications/{application.pk}/answers", body)
        assert response.status_code == 200, response.content
        version = response.json()["version"]
    refused = assert_error(client.post(f"/applications/{application.pk}/submit", {"version": version}), 400)
    assert refused["code"] == "not_ready"
    assert [d["code"] for d in refused["details"]] == ["unexplained_finding"]
    # The refusal in both languages, each reason in the same language as the sentence around it.
    reason = refused["details"][0]
    assert reason["message"].startswith("要対応の指摘事項に説明がありません：")
    # The English reason, shown on its own, reads as a sentence; within the refusal's, it goes on it.
    assert reason["message_en"].startswith("A blocking finding has no explanation: ")
    assert refused["message"] == "申請できません。" + reason["message"]
    assert refused["message_en"] == "Cannot submit: a" + reason["message_en"][1:]
    response = client.post(
        f"/applications/{application.pk}/explanations",
        {"version": version, "pack": "kobe", "code": "required_clauses_missing", "explanation": "特約で担保"},
    )
    version = response.json()["version"]

    response = client.post(f"/applications/{application.pk}/submit", {"version": version})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert f.fresh(application).status == Status.SUBMITTED


def test_an_answer_the_item_does_not_take_is_400(api_as):
    c = f.city("kobe")
    application = f.draft(c)
    item = application.judgment.items("selection")[0]

    body = assert_error(
        api_as(c.applicant).post(
            f"/applications/{application.pk}/answers",
            {"version": 1, "pack": item["pack"], "item": "no-such-item", "answer": "conforms"},
        ),
        400,
    )

    assert body["code"] == "unknown_item"


def test_withdrawing(api_as):
    c = f.city("kobe")
    application = f.draft(c)

    response = api_as(c.applicant).post(
        f"/applications/{application.pk}/withdraw", {"version": 1, "reason": "不要"}
    )

    assert response.json()["status"] == "withdrawn"
    assert_error(api_as(c.applicant).post(f"/applications/{application.pk}/withdraw", {"version": 2}), 400)


def test_list_is_the_users_reach_newest_first_with_filters(api_as):
    c = f.city("kobe")
    first = f.draft(c)
    second = f.draft(c, service_name="Box")
    other = f.draft(
        c,
        applicant=f.member(c.municipality, Role.APPLICANT, c.other_department),
        department=c.other_department,
    )
    f.city("osaka", approver=("ICT戦略室長", "approver"))

    assert [a["id"] for a in api_as(c.applicant).get("/applications").json()["results"]] == [
        second.pk,
        first.pk,
    ]
    everyone = api_as(c.security_manager).get("/applications").json()
    assert {a["id"] for a in everyone["results"]} == {first.pk, second.pk, other.pk}
    assert everyone["count"] == 3 and everyone["page"] == 1 and everyone["pages"] == 1
    assert [
        a["id"] for a in api_as(c.security_manager).get("/applications", department="hoiku").json()["results"]
    ] == [other.pk]
    assert api_as(c.security_manager).get("/applications", status="submitted").json()["count"] == 0
    assert api_as(c.head).get("/applications").json()["count"] == 2


def test_list_filters_that_do_not_validate_are_422(api_as):
    c = f.city("kobe")

    assert_error(api_as(c.applicant).get("/applications", status="nonsense"), 422)
    assert_error(api_as(c.applicant).get("/applications", page="0"), 422)
    past_the_end = api_as(c.applicant).get("/applications", page="2")
    assert past_the_end.status_code == 200 and past_the_end.json()["results"] == []


def test_staff_without_an_applying_or_reviewing_role_are_403(api_as):
    c = f.city("kobe")

    assert_error(api_as(c.staff).get("/applications"), 403)


def test_an_application_out_of_reach_is_404(api_as):
    c = f.city("kobe")
    osaka = f.city("osaka", approver=("ICT戦略室長", "approver"))
    application = f.draft(c)

    assert_error(api_as(osaka.security_manager).get(f"/applications/{application.pk}"), 404)
    assert_error(api_as(c.other_head).get(f"/applications/{application.pk}"), 404)
    assert api_as(c.head).get(f"/applications/{application.pk}").status_code == 200
    assert_error(api_as(c.applicant).get("/applications/999999"), 404)


def test_no_token_is_401_everywhere(api_as):
    c = f.city("kobe")
    application = f.draft(c)
    client = api_as(None)

    assert_error(client.get("/applications"), 401)
    assert_error(client.get(f"/applications/{application.pk}"), 401)
    assert_error(client.patch(f"/applications/{application.pk}", {"version": 1}), 401)
    assert_error(client.post(f"/applications/{application.pk}/submit", {"version": 1}), 401)


def test_an_explanation_over_the_cap_is_422(api_as):
    c = f.city("kobe")
    application = f.draft(c, required_clauses_present=False)
    client = api_as(c.applicant)
    body = assert_error(
        client.post(
            f"/applications/{application.pk}/explanations",
            {
                "version": 1,
                "pack": "kobe",
                "code": "required_clauses_missing",
                "explanation": "説" * (EXPLANATION_MAX_LENGTH + 1),
            },
        ),
        422,
    )
    assert "explanation" in str(body["details"])
    item = application.judgment.items("selection")[0]
    assert_error(
        client.post(
            f"/applications/{application.pk}/answers",
            {
                "version": 1,
                "pack": item["pack"],
                "item": item["id"],
                "answer": "conforms",
                "note": "説" * (EXPLANATION_MAX_LENGTH + 1),
            },
        ),
        422,
    )
    assert not FindingExplanation.objects.exists() and not ChecklistAnswer.objects.exists()
