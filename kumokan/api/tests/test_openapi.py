"""The schema at /api/v1/openapi.json is valid OpenAPI and documents every error the API answers."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_every_operation_documents_401_and_its_json_errors(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (method, path, status)


def test_the_facts_are_documented_with_the_engines_own_schema(schema):
    facts = schema["components"]["schemas"]["JudgmentRequest"]["properties"]["facts"]

    assert set(facts["required"]) == {
        "service_name",
        "provider",
        "purpose",
        "service_model",
        "confidentiality",
    }
    assert facts["properties"]["service_model"]["enum"] == [
        "saas",
        "paas",
        "iaas",
        "web_conference",
        "sns",
        "other",
    ]
    assert "$ref" not in str(facts)


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client, db):
    html = client.get("/api/v1/docs").content.decode()

    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_an_unknown_path_and_a_wrong_method_answer_in_json(client, db):
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    response = client.delete("/api/v1/judgments")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_a_body_that_is_not_json_is_400(api_as, db):
    c = f.city("kobe")
    client = api_as(c.applicant)

    response = client.client.post(
        "/api/v1/judgments", data="{not json", content_type="application/json", headers=client.headers
    )

    assert_error(response, 400, "invalid_json")


def test_an_echoed_unpaired_surrogate_still_answers_in_json(api_as, db):
    c = f.city("kobe")
    client = api_as(c.applicant)

    response = client.client.post(
        "/api/v1/judgments",
        data='{"municipality": "kobe", "facts": {"\\ud800": 1}}',
        content_type="application/json",
        headers=client.headers,
    )

    body = assert_error(response, 422)
    assert body["details"][0]["field"] == "facts"


def test_a_stored_judgment_refers_to_the_judgment_component(schema):
    judgment = schema["components"]["schemas"]["ApplicationDetail"]["properties"]["judgment"]

    assert judgment["anyOf"] == [{"$ref": "#/components/schemas/Judgment"}, {"type": "null"}]
    declared = schema["components"]["schemas"]["Judgment"]["properties"]
    assert {"classification", "rechecks", "self_approval", "track_label", "track_source"} <= set(declared)
    item = schema["components"]["schemas"]["Item"]["properties"]
    assert {"response", "track", "required_before_operation", "text_en", "evidence"} <= set(item)
    assert "digest" in schema["components"]["schemas"]["PackRef"]["properties"]
    basis = schema["components"]["schemas"]["RecheckOut"]["properties"]["basis"]
    assert basis["items"] == {"$ref": "#/components/schemas/RecheckRule"}


def test_required_text_says_it_may_not_be_blank_or_hold_nul(schema, api_as):
    explanation = schema["components"]["schemas"]["ExplanationIn"]["properties"]["explanation"]
    assert explanation["minLength"] == 1 and "x-refused" in explanation
    c = f.city("kobe")
    application = f.draft(c)
    client = api_as(c.applicant)
    body = {"version": application.version, "pack": "kobe", "code": "x", "explanation": " \u3000"}

    response = client.post(f"/applications/{application.pk}/explanations", body)

    assert assert_error(response, 422)["details"][0]["field"] == "explanation"


def test_each_error_response_lists_the_codes_it_can_carry(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert response["x-error-codes"], (method, path, status)
                    assert response["description"] == "Codes: " + ", ".join(response["x-error-codes"]) + "."
    decide = schema["paths"]["/api/v1/applications/{application_id}/decisions"]["post"]["responses"]
    assert decide["409"]["x-error-codes"] == ["conflict", "stale_version", "unknown_version"]
    assert "reason_required" in decide["400"]["x-error-codes"]
    assert decide["422"]["x-error-codes"] == ["invalid_input", "idempotency_key_reused"]
