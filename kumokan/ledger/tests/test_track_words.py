"""The ledger's track badges and filter say the tracks as the city's rules name them shortly (issue 17
point 1): Kobe 機密性２以上 / 機密性１ (5.3, 4.1), never the product's 重要な情報を取り扱う; English stays English."""

import re

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f

pytestmark = pytest.mark.django_db

PRODUCT = ("重要な情報を取り扱う", "重要な情報を取り扱わない")


def page(client: Client, path: str, language: str = "ja") -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


def test_kobes_ledger_list_and_entry_show_its_short_track_words(client: Client) -> None:
    city = f.city("kobe")
    entry = f.entry(city)
    client.force_login(city.chief)
    listing = page(client, "/ledger/")
    assert '">機密性２以上</span></td>' in listing
    assert '<option value="high">機密性２以上</option>' in listing
    assert '<option value="low">機密性１</option>' in listing
    detail = page(client, f"/ledger/{entry.pk}/")
    assert 'title="機密性２以上の情報を取り扱う場合">機密性２以上</span>' in detail
    assert not [word for word in PRODUCT for text in (listing, detail) if word in text]


def test_in_english_the_track_is_the_products(client: Client) -> None:
    city = f.city("kobe")
    entry = f.entry(city)
    client.force_login(city.chief)
    listing = page(client, "/ledger/", "en")
    assert '">Handles important information</span></td>' in listing
    assert '<option value="low">Does not handle important information</option>' in listing
    assert ">Handles important information</span>" in page(client, f"/ledger/{entry.pk}/", "en")
