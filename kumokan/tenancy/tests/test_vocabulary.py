"""The city's own words (issue 17 point 1): the pack names the services, their manager, the ledger and the
tracks, and every page takes them from there; a table uses the seed's short track label."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kumokan.applications.tests import factories
from kumokan.applications.tests.factories import city
from kumokan.core.packs import load_pack
from kumokan.tenancy.vocabulary import vocabulary, vocabulary_of_pack

pytestmark = pytest.mark.django_db
OSAKA_APPROVER = ("デジタル統括室長", "approver")


def _page(user, path: str) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


def test_kobe_speaks_of_external_services_and_its_information_system_ledger() -> None:
    words = vocabulary_of_pack(load_pack("kobe").pack)
    assert (words.service, words.service_manager, words.ledger) == (
        "外部サービス",
        "外部サービス管理者",
        "情報システム台帳",
    )
    assert words.track("high", short=True) == "機密性２以上"
    assert words.track("low", short=True) == "機密性１"
    assert words.track("high") == "機密性２以上の情報を取り扱う場合"


def test_a_city_whose_rules_name_no_ledger_gets_the_generic_word() -> None:
    words = vocabulary_of_pack(load_pack("amagasaki").pack)
    assert (words.service, words.service_manager, words.ledger) == (
        "クラウドサービス",
        "クラウドサービス管理者",
        "台帳",
    )
    # No short words in the seed: the label itself.
    assert words.track("low", short=True) == "機密性２以上の情報を取り扱わない場合"


def test_every_municipal_pack_cites_the_clause_of_its_words() -> None:
    for pack_id in ("amagasaki", "kitakyushu", "osaka", "kobe"):
        terms = load_pack(pack_id).pack.terms
        assert terms.service is not None and terms.service.source.clause, pack_id


def test_kobe_pages_name_the_ledger_and_the_manager_as_kobe_does() -> None:
    c = city("kobe")
    application = factories.submitted(c)
    navigation = _page(c.approver, "/ledger/")
    assert ">情報システム台帳</a>" in navigation
    assert "<h1>情報システム台帳</h1>" in navigation
    detail = _page(c.approver, application.get_absolute_url())
    assert "<dt>外部サービス管理者</dt>" in detail


def test_osakas_approval_queue_shows_the_short_track_label() -> None:
    c = city("osaka", approver=OSAKA_APPROVER)
    factories.submitted(c)
    queue = _page(c.approver, "/approvals/")
    long_label = vocabulary(c.municipality).track("high")
    assert ">重要情報資産を取り扱う場合</span>" in queue
    assert f">{long_label}</span>" not in queue
    assert f'title="{long_label}"' in queue  # the whole label stays one hover away


def test_in_english_the_words_are_english() -> None:
    from django.utils import translation

    with translation.override("en"):
        words = vocabulary_of_pack(load_pack("kobe").pack)
    assert (words.service, words.service_manager, words.ledger) == (
        "cloud service",
        "Service manager",
        "Ledger",
    )
