"""The judgment shown live while the facts are filled in (htmx posts the form on every change)."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.applications.tests.test_new_application_page import form_data

pytestmark = pytest.mark.django_db


def test_the_judgment_names_the_track_approver_and_cites_each_rule(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    response = client.post("/applications/new/judgment/", form_data(city), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # a fragment for htmx to swap in
    assert "機密性２以上の情報を取り扱う場合" in page
    assert "情報セキュリティ管理者" in page
    assert "神戸市外部サービス利用基準5.1.1" in page  # the approver's clause, by the rules' name
    assert "外部サービス管理者" in page


def test_the_judgment_follows_the_classification(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    page = client.post("/applications/new/judgment/", form_data(city, confidentiality="1")).content.decode()

    assert "機密性２以上の情報を取り扱わない場合" in page
    assert "情報管理者等" in page


def test_findings_appear_for_the_facts_that_raise_them(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    page = client.post("/applications/new/judgment/", form_data(city, data_location="US")).content.decode()

    assert "finding--" in page
    assert 'href="/rules/kobe/#clause-' in page
    assert "003_458251fa9e15d94e.txt" not in page


def test_the_service_name_may_still_be_empty(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    response = client.post(
        "/applications/new/judgment/", form_data(city, service_name="", provider="", purpose="")
    )

    assert "情報セキュリティ管理者" in response.content.decode()


def test_the_engines_problems_are_listed_instead_of_a_judgment(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    page = client.post("/applications/new/judgment/", form_data(city, governing_law="J1")).content.decode()

    assert "ISO 3166" in page


def test_osaka_without_a_configured_approver_says_so(client: Client) -> None:
    city = f.city("osaka")
    client.force_login(city.applicant)

    page = client.post("/applications/new/judgment/", form_data(city)).content.decode()

    assert "許可権限者を定めていません" in page


def test_get_is_refused(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    assert client.get("/applications/new/judgment/").status_code == 405


def test_the_judgment_of_another_persons_draft_is_not_found(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    colleague = f.member(city.municipality, f.Role.APPLICANT, city.department)
    client.force_login(colleague)

    assert client.post(f"/applications/{application.pk}/judgment/", form_data(city)).status_code == 404


def test_a_value_the_form_refuses_is_named_beside_the_judgment(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)

    page = client.post(
        "/applications/new/judgment/", form_data(city, period_start="2025-13-45")
    ).content.decode()

    assert "利用開始日" in page or "Start of use" in page
    assert "情報セキュリティ管理者" in page


def test_in_english_the_items_show_the_packs_gloss(client: Client) -> None:
    city = f.city()
    client.force_login(city.applicant)
    client.cookies["django_language"] = "en"

    page = client.post("/applications/new/judgment/", form_data(city)).content.decode()

    assert "Approver" in page
    assert "Include the contents of the sheet" in page  # text_en of sel.high.include-requirements
    assert "情報セキュリティ管理者" in page  # the city's own titles stay as the pack writes them


def test_the_pack_s_notes_stand_beside_the_rules_they_explain(client: Client) -> None:
    # Issue 15 point 7: an interpretive choice is shown with the rule, so a city can see and change it.
    city = f.city("amagasaki", overlays=())
    client.force_login(city.applicant)

    page = client.post("/applications/new/judgment/", form_data(city)).content.decode()

    assert 'class="note"' in page
    assert "4.2（１）の手続は情報セキュリティ管理者が申請する" in page  # the applicant: 3⑶ against 4.2（１）
    assert "仮想マシンを構成しない場合は「該当なし」と回答する" in page  # an item's note
