"""Every page that names a service's provider names it as the city's rules do (issue 17 point 1): Kobe's
外部サービス提供者 (003 1.1), the other cities' クラウドサービス提供者, English "Cloud service provider" — the
one label, Vocabulary.provider_label, on the application's pages, the catalogue and the procurement."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.catalog.tests.factories import ismap, service
from kumokan.procurement.tests.support import plan

pytestmark = pytest.mark.django_db


def text(client: Client, path: str, language: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("slug", "language", "provider"),
    [
        ("kobe", "ja", "外部サービス提供者"),
        ("osaka", "ja", "クラウドサービス提供者"),
        ("kobe", "en", "Cloud service provider"),
    ],
)
def test_the_provider_is_named_by_the_citys_word(client: Client, slug, language, provider) -> None:
    c = f.city(slug, approver=("デジタル統括室長", "approver") if slug == "osaka" else None)
    application = f.submitted(c)
    certification = ismap(
        c.municipality,
        audit_period_end=datetime.date(2026, 3, 31),
        services=(service(c.municipality, "電子申請サービス"),),
    )
    procurement = plan(c, confidentiality="2", municipal_confidentiality="3B")
    client.force_login(application.applicant)
    for path in (application.get_absolute_url(), f"/applications/{application.pk}/review/"):
        assert f"<dt>{provider}</dt>" in text(client, path, language), path
    assert f'<th scope="col">{provider}</th>' in text(client, "/applications/", language)
    assert f'<th scope="col">{provider}</th>' in text(client, "/catalog/", language)
    assert f"<dt>{provider}</dt>" in text(client, f"/catalog/certifications/{certification.pk}/", language)
    client.force_login(c.applicant)
    assert f"<dt>{provider}</dt>" in text(client, f"/procurement/{procurement.pk}/", language)
    client.force_login(f.high_track_approver(c))
    assert f"<dt>{provider}</dt>" in text(client, f"/approvals/{application.pk}/", language)
