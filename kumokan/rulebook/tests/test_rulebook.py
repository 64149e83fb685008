"""The rulebook (issue 17 point 2): each city's rules clause by clause, searchable, and citations that
name the rules and the clause and open it there."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from kumokan.applications.tests.factories import city
from kumokan.core.citations import anchor
from kumokan.core.clauses import in_the_rules_order
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
    contract = {"file": AMAGASAKI, "clause": "CONTRACT.md", "basis": "contract"}
    configuration = {"file": "002_ea3d2ceb2cab952b.txt", "clause": "自治体の設定", "basis": "configuration"}
    with translation.override("ja"):
        assert cite(contract) == "本システムの定め（規定に定めなし）"
        assert cite(configuration) == "自治体の設定"
    with translation.override("en"):
        assert cite(contract) == "kumokan's own convention (the rules set none)"
        assert cite(configuration) == "set by the municipality"


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


def test_clauses_go_in_the_rules_own_order_not_the_order_the_pack_cites_them() -> None:
    # As packs cite them (kobe.yaml starts with 3.1, 3.4イ, 3.4ウ, 3.6①, 1.3 …).
    cited = ["3.1", "3.4イ", "3.4ウ", "3.6①", "1.3", "5.3", "2.1", "3.4ア", "5.2.1③", "5.2.1①", "3.6①ア"]
    assert in_the_rules_order(cited, str) == [
        "1.3", "2.1", "3.1", "3.4ア", "3.4イ", "3.4ウ", "3.6①", "3.6①ア", "5.2.1①", "5.2.1③", "5.3",
    ]  # fmt: skip
    # Articles, paragraphs and items; a chapter's numbering; a parenthesised number before a sub-clause.
    assert in_the_rules_order(["第40条第2項", "第5条第1項", "第40条", "第40条第2項第1号"], str) == [
        "第5条第1項", "第40条", "第40条第2項", "第40条第2項第1号",
    ]  # fmt: skip
    assert in_the_rules_order(["第4章3", "第2章2.1", "第4章2.4", "第4章3.1(1)①", "第4章3.1(1)"], str) == [
        "第2章2.1", "第4章2.4", "第4章3", "第4章3.1(1)", "第4章3.1(1)①",
    ]  # fmt: skip
    # Words between the numbers keep the order the pack first cites them in (it follows the seed).
    assert in_the_rules_order(["（２以上）4.1", "（２未満）3", "（２以上）3⑴", "（２以上）4⑴ア", "（２未満）2"], str) == [
        "（２以上）3⑴", "（２以上）4⑴ア", "（２以上）4.1", "（２未満）2", "（２未満）3",
    ]  # fmt: skip


def test_the_kobe_rulebook_reads_from_chapter_1_onwards() -> None:
    c = city("kobe")
    html = _client(c.applicant).get("/rules/kobe/").content.decode()
    positions = [
        html.index(f'id="{anchor(clause)}"') for clause in ("1.3", "2.1", "3.1", "3.4ア", "3.4イ", "5.3")
    ]
    assert positions == sorted(positions)
