"""The sentences around the pages say the city's words, not クラウドサービス or a generic 台帳 (issue 17
point 1): Kobe's 外部サービス, 外部サービス管理者 and 情報システム台帳 (kobe.yaml terms: 1.1, 5.2.1④), Osaka's the
product's, English the generic words."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.procurement.tests.support import plan

pytestmark = pytest.mark.django_db

WORDS = {
    ("kobe", "ja"): ("外部サービス", "外部サービス管理者", "情報システム台帳"),
    ("osaka", "ja"): ("クラウドサービス", "クラウドサービス管理者", "台帳"),
}


def text(client: Client, path: str, language: str, **query: str) -> str:
    response = client.get(path, query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


def osaka_or(slug: str) -> f.City:
    return f.city(slug, approver=("デジタル統括室長", "approver") if slug == "osaka" else None)


@pytest.mark.parametrize("slug", ["kobe", "osaka"])
def test_the_sentences_of_the_pages_say_the_citys_words(client: Client, slug: str) -> None:
    service, manager, ledger = WORDS[slug, "ja"]
    c = osaka_or(slug)
    application = f.draft(c)
    f.answer_all(application)
    procurement = plan(c, confidentiality="2", municipal_confidentiality="3B")
    client.force_login(application.applicant)
    review = text(client, f"/applications/{application.pk}/review/", "ja")
    assert f"今回答するか、承認後に{manager}が回答できます。" in review
    assert f"自治体の{service}利用管理</p>" in review
    assert f"{service}の調達を準備します。" in text(client, "/procurement/", "ja")
    assert f"この調達内容に該当する{service}の特記事項を" in text(
        client, f"/procurement/{procurement.pk}/", "ja"
    )
    assert f"<p>該当する{ledger}はありません。</p>" in text(client, "/ledger/", "ja", q="該当なし")
    if slug == "kobe":  # Osaka's guideline names no ledger fields
        assert f"{ledger}の項目" in text(client, f"/rules/{slug}/", "ja")


def test_in_english_the_sentences_say_the_generic_words(client: Client) -> None:
    c = f.city("kobe")
    application = f.draft(c)
    f.answer_all(application)
    procurement = plan(c, confidentiality="2", municipal_confidentiality="3B")
    client.force_login(application.applicant)
    review = text(client, f"/applications/{application.pk}/review/", "en")
    assert "may be answered now or by the service manager after approval." in review
    assert "Cloud service governance for local governments</p>" in review
    assert "Plan the procurement of a cloud service: survey" in text(client, "/procurement/", "en")
    assert "The cloud service special terms that apply" in text(
        client, f"/procurement/{procurement.pk}/", "en"
    )
    assert "<p>No ledger entry matches.</p>" in text(client, "/ledger/", "en", q="none")
    assert "Ledger field" in text(client, "/rules/kobe/", "en")


def test_a_page_of_no_city_keeps_the_generic_tagline() -> None:
    page = re.sub(r"\s+", " ", Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ja").content.decode())
    assert "自治体のクラウドサービス利用管理</p>" in page
