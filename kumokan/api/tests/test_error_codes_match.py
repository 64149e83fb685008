"""The error codes the OpenAPI document lists per operation match what the server answers.

One direction is checked by every API test: the test client (support.ApiClient) asserts that each
error it receives has a status and a code its operation documents. This file checks the other
direction where it can be done without provoking each refusal: every code documented for an operation
is one the server's code can raise, and the statuses every operation shares are documented on each.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kumokan.api import codes
from kumokan.api.errors import STATUS_ERRORS
from kumokan.api.tests.support import assert_error

pytestmark = pytest.mark.django_db

PACKAGE = Path(codes.__file__).resolve().parents[1]


def raised_codes() -> set[str]:
    """Every code a refusal in kumokan's own code is given (code="…", or as an error code constant)."""
    found: set[str] = set()
    for source in PACKAGE.rglob("*.py"):
        if "tests" in source.parts or "migrations" in source.parts or source == Path(codes.__file__):
            continue
        text = source.read_text(encoding="utf-8")
        found |= set(re.findall(r'code="([a-z_]+)"', text))
        found |= set(re.findall(r'(?:json_error|error_response)\(\s*\d+,\s*"([a-z_]+)"', text))
    return found


def test_every_documented_code_is_one_the_server_raises():
    raised = raised_codes() | {code for code, _message in STATUS_ERRORS.values()}
    documented = {
        code
        for table in (*codes.OPERATION_CODES.values(), codes.WITH_BODY)
        for listed in table.values()
        for code in listed
    }
    assert documented - raised == set()


def test_every_operation_documents_the_rate_limit(client):
    document = client.get("/api/v1/openapi.json").json()
    for methods in document["paths"].values():
        for operation in methods.values():
            limited = operation["responses"]["429"]
            assert limited["x-error-codes"] == ["too_many_requests"]
            assert "Retry-After" in limited["headers"]


def test_a_plain_applicant_on_the_important_track_is_a_documented_refusal(api_as):
    """A gap this check found: create_application answered not_applicant without documenting it."""
    from kumokan.applications.tests import factories as f
    from kumokan.tenancy.choices import Role

    c = f.city("kitakyushu")
    staff = f.member(c.municipality, Role.APPLICANT, c.department)
    body = {"municipality": "kitakyushu", "department": "jumin", "facts": f.facts("kitakyushu", high=True)}
    assert_error(api_as(staff).post("/applications", body), 400, "not_applicant")
