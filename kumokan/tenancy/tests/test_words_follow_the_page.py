"""Someone with roles in two cities reads each city's words on its pages (issue 17 point 1): a Kobe entry
says 情報システム台帳 and 外部サービス管理者, an Amagasaki entry 台帳 and クラウドサービス管理者, whichever city
their first role is in (base.html's {% city_words %}); a page of neither city says the generic words."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def text(client: Client, path: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("first", ["kobe", "amagasaki"])
def test_a_person_of_two_cities_reads_the_words_of_the_city_of_the_page(first: str) -> None:
    cities = {slug: f.city(slug) for slug in sorted(("kobe", "amagasaki"), key=lambda s: s != first)}
    other = next(slug for slug in cities if slug != first)
    person = cities[first].chief
    Membership.objects.create(user=person, municipality=cities[other].municipality, role=Role.CHIEF)
    client = Client()
    client.force_login(person)
    words = {
        "kobe": ("情報システム台帳", "外部サービス管理者"),
        "amagasaki": ("台帳", "クラウドサービス管理者"),
    }
    for slug, (ledger, manager) in words.items():
        entry = f.entry(cities[slug])
        detail = text(client, f"/ledger/{entry.pk}/")
        assert f'<h2 id="entry-heading">{ledger}</h2>' in detail, slug
        assert f"<dt>{manager}</dt>" in detail, slug
        assert f'aria-current="page">{ledger}</a>' in detail, slug  # the navigation's ledger
        assert f">{ledger}</a>" in text(client, f"/lifecycle/entries/{entry.pk}/"), slug
        assert f"<dt>{manager}</dt>" in text(client, entry.application.get_absolute_url()), slug
    # The dashboard speaks the words of the city chosen on it.
    assert ">情報システム台帳</a>" in text(client, "/lifecycle/?m=kobe")
    amagasaki = text(client, "/lifecycle/?m=amagasaki")
    assert ">台帳</a>" in amagasaki and "情報システム台帳" not in amagasaki
    # The home page shows no one city's object: the generic words.
    assert ">台帳</a>" in text(client, "/")
    assert "情報システム台帳" not in text(client, "/")


def test_a_person_of_one_city_reads_its_words_on_every_page() -> None:
    c = f.city("kobe")
    client = Client()
    client.force_login(c.chief)
    assert ">情報システム台帳</a>" in text(client, "/")
