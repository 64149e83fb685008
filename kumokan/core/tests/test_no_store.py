"""What a signed-in person sees is never kept by a browser or proxy: pages, downloads and API answers
say Cache-Control: no-store."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.api.actions import issue_api_token
from kumokan.applications.tests import factories as f

pytestmark = pytest.mark.django_db


def assert_not_stored(response: object) -> None:
    assert response.status_code == 200  # type: ignore[attr-defined]
    directives = {part.strip() for part in response["Cache-Control"].split(",")}  # type: ignore[index]
    assert {"no-store", "private"} <= directives


def test_a_signed_in_page_and_a_download_are_not_stored(client: Client) -> None:
    city = f.city("kobe")
    f.entry(city)
    client.force_login(city.applicant)

    assert_not_stored(client.get("/ledger/"))
    assert_not_stored(client.get("/documents/ledger/export/", {"municipality": "kobe", "format": "csv"}))


def test_an_api_answer_is_not_stored() -> None:
    city = f.city("kobe")
    _token, text = issue_api_token(acting_user=city.staff, user=city.staff, name="集計")

    assert_not_stored(Client().get("/api/v1/me", headers={"Authorization": f"Bearer {text}"}))
