from __future__ import annotations

from kumokan.api.tests.support import assert_error
from kumokan.core.packs import library

FACTS = {
    "service_name": "Box",
    "provider": "Box, Inc.",
    "purpose": "庁内の文書共有",
    "service_model": "saas",
    "confidentiality": "2",
    "handles_personal_info": True,
}


def test_judgment_is_exactly_the_engines(kobe, kobe_it, make_user, api_as):
    applicant = make_user("applicant", (kobe, "applicant", kobe_it))

    response = api_as(applicant).post("/judgments", {"municipality": "kobe", "facts": FACTS})

    assert response.status_code == 200
    assert response.json() == library().judge(FACTS, ["kobe"])


def test_judgment_uses_the_municipalitys_approver_setting(osaka, make_user, api_as):
    osaka.configured_approver_title = "ICT戦略室長"
    osaka.configured_approver_role = "approver"
    osaka.save()
    applicant = make_user("applicant", (osaka, "applicant", None))

    response = api_as(applicant).post("/judgments", {"municipality": "osaka", "facts": FACTS})

    assert response.json()["approver"]["title"] == "ICT戦略室長"
    assert response.json() == library().judge(FACTS, ["osaka"], configured_approver="ICT戦略室長")


def test_judgment_for_another_municipality_is_not_found(kobe, osaka, kobe_it, make_user, api_as):
    applicant = make_user("applicant", (kobe, "applicant", kobe_it))

    assert_error(
        api_as(applicant).post("/judgments", {"municipality": "osaka", "facts": FACTS}), 404, "not_found"
    )
    assert_error(api_as(applicant).post("/judgments", {"municipality": "nowhere", "facts": FACTS}), 404)


def test_judgment_needs_a_role_that_applies(kobe, make_user, api_as):
    chief = make_user("chief", (kobe, "chief", None))

    assert_error(api_as(chief).post("/judgments", {"municipality": "kobe", "facts": FACTS}), 403, "forbidden")


def test_judgment_needs_a_token(kobe, api_as):
    assert_error(
        api_as(None).post("/judgments", {"municipality": "kobe", "facts": FACTS}), 401, "unauthenticated"
    )


def test_engine_refusals_come_back_per_key_in_both_languages(kobe, kobe_it, make_user, api_as):
    applicant = make_user("applicant", (kobe, "applicant", kobe_it))
    facts = {**FACTS, "confidentiality": "第1種", "colour": "blue"}

    body = assert_error(
        api_as(applicant).post("/judgments", {"municipality": "kobe", "facts": facts}), 422, "invalid_facts"
    )

    assert {d["field"] for d in body["details"]} == {"colour"}
    assert body["details"][0]["message"] == "未知のキーです"


def test_a_code_the_pack_does_not_know_is_422(kobe, kobe_it, make_user, api_as):
    applicant = make_user("applicant", (kobe, "applicant", kobe_it))

    body = assert_error(
        api_as(applicant).post(
            "/judgments", {"municipality": "kobe", "facts": {**FACTS, "confidentiality": "9"}}
        ),
        422,
        "invalid_facts",
    )

    assert body["details"][0]["field"] == "confidentiality"
    assert body["details"][0]["message"].startswith("「9」は")
    assert body["details"][0]["message_en"].startswith("'9' is not a classification code")


def test_a_request_without_facts_is_422_naming_the_field(kobe, kobe_it, make_user, api_as):
    applicant = make_user("applicant", (kobe, "applicant", kobe_it))

    body = assert_error(api_as(applicant).post("/judgments", {"municipality": "kobe"}), 422, "invalid_input")

    assert body["details"] == [{"field": "facts", "message": "必須です。", "message_en": "Field required"}]
