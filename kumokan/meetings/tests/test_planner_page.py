"""The planner page: presets fill the form, the checklist and invitation show, refusals are clear."""

from __future__ import annotations

import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from kumokan.applications.tests.factories import city, user

pytestmark = pytest.mark.django_db

IMPORTANT_HOST = "important_information=on&role=host&outside_participants=on"


def test_the_planner_needs_a_login(client: Client) -> None:
    response = client.get("/meetings/planner/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_someone_without_a_role_in_any_municipality_is_refused(client: Client) -> None:
    client.force_login(user())

    assert client.get("/meetings/planner/").status_code == 403


def test_a_preset_fills_the_form_with_the_facts_of_its_example(client: Client) -> None:
    client.force_login(city("kitakyushu").staff)

    response = client.get("/meetings/planner/?preset=important-information")

    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {
        "important_information": ["on"],
        "role": ["host"],
        "outside_participants": ["on"],
        "preset": ["important-information"],
    }


def test_the_page_lists_each_measure_with_its_clause_and_offers_the_invitation(client: Client) -> None:
    client.force_login(city("kitakyushu").staff)

    page = client.get(f"/meetings/planner/?{IMPORTANT_HOST}").content.decode()

    assert "会議パスワードを設定、待機室機能を有効とし" in page
    # Each measure cites the rules by name and its clause, linked to the clause in the rulebook.
    assert '">北九州市クラウドサービス利用基準6.4(1)③</a></cite>' in page
    assert "主催者の対策" in page and "参加者の対策" in page
    assert 'id="invitation-text"' in page


def test_a_participant_gets_no_invitation(client: Client) -> None:
    client.force_login(city("kitakyushu").staff)

    page = client.get("/meetings/planner/?important_information=on&role=participant").content.decode()

    assert "エンドツーエンド" in page
    assert 'id="invitation-text"' not in page


def test_a_city_without_web_conference_rules_gets_a_clear_message(client: Client) -> None:
    client.force_login(city("kobe").staff)

    response = client.get(f"/meetings/planner/?{IMPORTANT_HOST}")

    assert response.status_code == 200
    page = response.content.decode()
    # The city's rules by their title, never the pack's id; and a way on: to those rules, and home.
    assert "神戸市外部サービス利用基準にはウェブ会議の規定がないため" in page
    assert "パック" not in page and "“kobe”" not in page
    main = page.split('id="main"')[1]
    assert "<form" not in main
    assert 'href="/rules/kobe/">神戸市外部サービス利用基準を読む</a>' in main
    assert 'href="/">ホーム</a>' in main
    assert client.get("/rules/kobe/").status_code == 200


@pytest.mark.parametrize(("slug", "shown"), [("kitakyushu", True), ("kobe", False), ("osaka", False)])
def test_the_navigation_offers_the_planner_only_where_the_rules_have_web_conferences(
    client: Client, slug: str, shown: bool
) -> None:
    client.force_login(city(slug).staff)

    home = client.get("/").content.decode()

    assert ('href="/meetings/planner/"' in home) is shown


def test_the_checklist_downloads_as_a_pdf_citing_each_clause(client: Client) -> None:
    client.force_login(city("kitakyushu").staff)

    response = client.get(f"/meetings/planner/checklist.pdf?{IMPORTANT_HOST}&title=審査会")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "ウェブ会議の情報セキュリティ対策チェックリスト" in flat
    assert "審査会" in flat
    assert "6.4(1)③" in flat
    assert "会議パスワードは会議案内メールとは別経路で組織外参加者に安全に届けることとした" in flat


def test_the_pdf_of_a_city_without_web_conference_rules_is_not_found(client: Client) -> None:
    client.force_login(city("kobe").staff)

    assert client.get(f"/meetings/planner/checklist.pdf?{IMPORTANT_HOST}").status_code == 404


def test_the_planner_takes_no_post(client: Client) -> None:
    client.force_login(city("kitakyushu").staff)

    assert client.post("/meetings/planner/", {"role": "host"}).status_code == 405
