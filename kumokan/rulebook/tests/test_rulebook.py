"""The rulebook (issue 17 point 2): each city's rules clause by clause, searchable, and citations that
name the rules and the clause and open it there."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from kumokan.applications.tests.factories import city
from kumokan.core.citations import anchor
from kumokan.core.templatetags.kumokan import cite, rules_of

pytestmark = pytest.mark.django_db
AMAGASAKI = "000_6738fc87fdfdac6f.txt"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_citation_names_the_rules_and_the_clause_and_links_to_it() -> None:
    html = cite({"file": AMAGASAKI, "clause": "（２以上）4⑴ア"})
    assert "尼崎市クラウドサービスの利用に関する規定（２以上）4⑴ア" in html
    assert f'href="/rules/amagasaki/#{anchor("（２以上）4⑴ア")}"' in html
    assert AMAGASAKI not in html


def test_an_overlay_is_cited_by_its_title() -> None:
    html = cite({"file": "004_b62cca484ad22969.txt", "clause": "3"})
    assert "クラウドサービスの特記事項3" in html
    assert "004_" not in html and "発行者" not in html


def test_a_clause_that_begins_with_a_word_is_set_apart_from_the_rules_name() -> None:
    # Seed 004 names its rows by their section (○クラウドサービスの運用・保守時に遵守すべき事項, No.3).
    html = cite({"file": "004_b62cca484ad22969.txt", "clause": "運用・保守時 No.3"})
    assert "クラウドサービスの特記事項 運用・保守時 No.3" in html
    assert "特記事項運用" not in html
    # A numbering, 第 included, follows the name directly.
    assert "大阪市クラウドサービス関連ガイドライン第3章2.3" in cite(
        {"file": "002_ea3d2ceb2cab952b.txt", "clause": "第3章2.3"}
    )


def test_a_value_no_seed_states_is_cited_by_what_it_comes_from_without_a_link() -> None:
    assert cite({"file": AMAGASAKI, "clause": "CONTRACT.md", "basis": "contract"}) == "CONTRACT.md"


def test_the_rules_a_judgment_was_made_with_are_named_not_identified() -> None:
    html = rules_of([{"id": "amagasaki", "version": "1.1.0"}, {"id": "special-terms", "version": "1.1.0"}])
    assert "尼崎市クラウドサービスの利用に関する規定" in html and "1.1.0" in html
    assert "クラウドサービスの特記事項" in html
    assert ">amagasaki" not in html


def test_the_rulebook_groups_every_rule_under_its_clause_in_the_citys_order() -> None:
    c = city("amagasaki")
    response = _client(c.applicant).get("/rules/amagasaki/")
    html = response.content.decode()
    assert response.status_code == 200
    page = _text(html)
    assert "尼崎市クラウドサービスの利用に関する規定" in page
    # Each clause is one section with the anchor citations link to; the seed's order: ア before イ.
    assert html.index(f'id="{anchor("（２以上）4⑴ア")}"') < html.index(f'id="{anchor("（２以上）4⑴イ")}"')
    assert "クラウドサービスを利用する目的の明確化" in page
    # The phase, the condition in words and the pack's note beside the item.
    assert "選定時" in page
    assert "特定個人情報（マイナンバー）を取り扱う" in page
    assert "安全管理措置" in page and "説明を求める" in page
    assert AMAGASAKI not in page
    assert "build.access" not in page


def test_the_rulebook_finds_rules_by_a_word() -> None:
    c = city("amagasaki")
    page = _text(_client(c.applicant).get("/rules/amagasaki/", {"q": "多要素認証"}).content.decode())
    assert "強化された認証技術（多要素認証）" in page
    assert "クラウドサービスを利用する目的の明確化" not in page


def test_the_rulebook_speaks_english_where_the_pack_gives_english() -> None:
    c = city("kobe")
    with translation.override("en"):
        page = _text(_client(c.applicant).get("/rules/kobe/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Applies when" in page or "Phase" in page


def test_rules_open_from_the_navigation_to_the_users_own_city() -> None:
    c = city("amagasaki")
    response = _client(c.applicant).get("/rules/")
    assert response.status_code == 302 and response["Location"] == "/rules/amagasaki/"


def test_another_citys_rulebook_is_not_found() -> None:
    c = city("amagasaki")
    assert _client(c.applicant).get("/rules/kobe/").status_code == 404


def test_the_rulebook_needs_a_login() -> None:
    response = Client().get("/rules/amagasaki/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_rulebook_refuses_a_post() -> None:
    c = city("amagasaki")
    assert _client(c.applicant).post("/rules/amagasaki/").status_code == 405
