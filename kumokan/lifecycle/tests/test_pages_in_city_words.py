"""The pages of a service in use name its manager and the ledger as the city's rules do (issue 17 point 1):
Kobe's say 外部サービス管理者 and 情報システム台帳 (kobe.yaml terms, 5.2.1④), Osaka's the product's words,
and in English "service manager" and "ledger"."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.lifecycle.tests.factories import in_operation

pytestmark = pytest.mark.django_db


def text(client: Client, path: str, language: str = "ja", **post: str) -> str:
    response = (
        client.post(path, post, follow=True, HTTP_ACCEPT_LANGUAGE=language)
        if post
        else client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    )
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("slug", "manager", "ledger"),
    [("kobe", "外部サービス管理者", "情報システム台帳"), ("osaka", "クラウドサービス管理者", "台帳")],
)
def test_the_pages_of_a_service_in_use_speak_the_citys_words(client: Client, slug, manager, ledger) -> None:
    c = f.city(slug, approver=("デジタル統括室長", "approver") if slug == "osaka" else None)
    # Osaka's approver names the manager (the department's head here).
    entry = f.entry(c, manager=c.head) if slug == "osaka" else f.entry(c)
    client.force_login(entry.service_manager)
    assert f"発生した事象を{manager}に報告します。" in text(client, "/lifecycle/incidents/new/")
    detail = text(client, f"/ledger/{entry.pk}/")
    assert f">{ledger}の変更</a>" in detail
    assert f"<h1>{ledger}の変更: " in text(client, f"/ledger/{entry.pk}/edit/")
    assert f'aria-label="{ledger}の検索と絞り込み"' in text(client, "/ledger/")
    provider = "外部サービス提供者" if slug == "kobe" else "クラウドサービス提供者"
    listing = text(client, "/ledger/")
    assert f'<label for="id_provider">{provider}</label>' in listing
    assert f">{provider}</a> </th>" in listing and f">{manager}</a> </th>" in listing
    assert f'<h2 id="entry-heading">{ledger}</h2>' in detail
    assert f"<dt>{provider}</dt>" in detail
    # The service's page and the application's link to the entry by the city's word.
    assert f">{ledger}</a>" in text(client, f"/lifecycle/entries/{entry.pk}/")
    assert f">{ledger}</a>" in text(client, entry.application.get_absolute_url())
    assert f'<label for="id_service_manager">{manager}' in text(client, f"/ledger/{entry.pk}/edit/")
    client.force_login(c.chief)
    order = text(client, "/lifecycle/orders/new/")
    assert f"各サービスの{manager}が基準に適合しているかを確認し" in order
    # The order's provider, as the entry's and the application's (Vocabulary.provider_label).
    assert f'<label for="id_provider">{provider}</label>' in order


def test_in_english_the_words_are_english(client: Client) -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    client.force_login(entry.service_manager)
    assert "Tell the service manager what happened." in text(client, "/lifecycle/incidents/new/", "en")
    detail = text(client, f"/ledger/{entry.pk}/", "en")
    assert ">Edit the ledger entry</a>" in detail
    assert '<h2 id="entry-heading">Ledger entry</h2>' in detail
    assert "<dt>Cloud service provider</dt>" in detail
    client.force_login(c.chief)
    assert '<label for="id_provider">Cloud service provider</label>' in text(
        client, "/lifecycle/orders/new/", "en"
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ja", "承認し、情報システム台帳に登録しました。"),
        ("en", "The application is approved and recorded in the ledger."),
    ],
)
def test_an_approval_says_it_is_recorded_in_the_citys_ledger_in_the_readers_language(
    client: Client, language, message
) -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    client.force_login(c.security_manager)
    page = text(
        client,
        f"/approvals/{application.pk}/",
        language,
        outcome="approved",
        version=str(application.version),
    )
    assert message in page


@pytest.mark.parametrize(
    ("slug", "ledger", "language"),
    [("kobe", "情報システム台帳", "ja"), ("osaka", "台帳", "ja"), ("kobe", "ledger", "en")],
)
def test_the_ledgers_messages_name_it_as_the_city_does(client: Client, slug, ledger, language) -> None:
    c = f.city(slug, approver=("デジタル統括室長", "approver") if slug == "osaka" else None)
    entry = in_operation(c)
    client.force_login(entry.service_manager)
    nothing = text(client, "/ledger/?q=該当しない名前", language)
    suspended = text(
        client,
        f"/ledger/{entry.pk}/suspend/",
        language,
        reason="不具合",
        version=str(entry.version),
        confirmed="1",
    )
    if language == "ja":
        assert f"該当する{ledger}はありません。" in nothing
        assert f"{ledger}の状態を「停止中」にしました。" in suspended
    else:
        assert "No ledger entry matches." in nothing
        assert "The ledger entry is now “Suspended”." in suspended
