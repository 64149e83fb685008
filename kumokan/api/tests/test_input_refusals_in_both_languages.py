"""The API's input refusals are msgids (issue 14 point 6), and answer word for word as before in both languages."""

from __future__ import annotations

import pytest

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f

pytestmark = pytest.mark.django_db


def detail_of(response, status=422):
    return assert_error(response, status)["details"][0]


def test_an_unknown_department_filter_is_named_in_each_languages_quotes(api_as):
    c = f.city("kobe")

    found = detail_of(api_as(c.staff).get("/ledger", department="nowhere"))

    assert found == {
        "field": "department",
        "message": "「nowhere」というコードの所属はありません。",
        "message_en": "There is no department 'nowhere'",
    }


def test_a_filter_the_page_would_not_offer_keeps_the_forms_japanese_and_names_the_filter(api_as):
    c = f.city("kobe")

    found = detail_of(api_as(c.staff).get("/ledger", classification="9"))

    assert found["field"] == "classification"
    assert found["message"].startswith("正しく選択してください。")
    assert found["message_en"] == "Not a value the ledger can be filtered by: classification"


def test_an_unreadable_cursor_is_refused_in_both_languages(api_as):
    c = f.city("kobe")

    found = detail_of(api_as(c.staff).get("/ledger", after="not-a-cursor"))

    assert found == {
        "field": "after",
        "message": "ページの位置が読み取れません。",
        "message_en": "Not a cursor of this list",
    }


def test_a_new_application_in_an_unknown_department_names_the_city_and_the_code(api_as):
    c = f.city("kobe")

    found = detail_of(
        api_as(c.applicant).post(
            "/applications", {"municipality": "kobe", "department": "nowhere", "facts": f.facts("kobe")}
        )
    )

    assert found == {
        "field": "department",
        "message": f"{c.municipality}に「nowhere」というコードの所属はありません。",
        "message_en": "Kobe has no department with the code 'nowhere'",
    }


def test_a_manager_the_edit_form_would_not_offer_is_named_in_both_languages(api_as):
    kobe, amagasaki = f.city("kobe"), f.city("amagasaki", overlays=())
    entry = f.entry(kobe)
    outsider = amagasaki.staff.username

    found = detail_of(
        api_as(entry.service_manager).patch(
            f"/ledger/{entry.pk}",
            {"version": entry.version, "reason": "担当替え", "service_manager": outsider},
        )
    )

    assert found == {
        "field": "service_manager",
        "message": f"「{outsider}」は、この情報システム台帳の外部サービス管理者に指名できる利用者ではありません。",
        "message_en": f"'{outsider}' is not a person who can be designated service manager of this ledger entry",
    }


def test_an_idempotency_key_reused_for_another_body_says_so_in_both_languages(api_as):
    c = f.city("kobe")
    client = api_as(c.applicant)
    body = {"municipality": "kobe", "department": "jumin", "facts": f.facts("kobe")}
    headers = client.headers | {"Idempotency-Key": "k1"}
    client.client.post("/api/v1/applications", data=body, content_type="application/json", headers=headers)

    reused = client.client.post(
        "/api/v1/applications", data=body | {"notes": "別"}, content_type="application/json", headers=headers
    )

    answer = assert_error(reused, 422, "idempotency_key_reused")
    assert (
        answer["message"] == "この Idempotency-Key は別の要求に使われています。新しいキーで送ってください。"
    )
    assert answer["message_en"] == "This Idempotency-Key was used for another request: send a new key"
