"""The new application's form names the provider as the city's rules do (issue 17 point 1): Kobe's
外部サービス提供者 (1.1), Osaka's クラウドサービス提供者, English "Cloud service provider"."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("slug", "language", "label"),
    [
        ("kobe", "ja", "外部サービス提供者"),
        ("osaka", "ja", "クラウドサービス提供者"),
        ("kobe", "en", "Cloud service provider"),
    ],
)
def test_the_provider_field_is_labelled_in_the_citys_words(client: Client, slug, language, label) -> None:
    c = f.city(slug, approver=("デジタル統括室長", "approver") if slug == "osaka" else None)
    client.force_login(c.applicant)
    page = client.get("/applications/new/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<label for="id_provider">{label}' in page
