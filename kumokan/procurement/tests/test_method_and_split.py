"""The procurement method by service type (Osaka 第3章1) and the responsibility split (第4章2), both
read from the pack's items for the service model."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.applications.tests.factories import city
from kumokan.procurement.responsibility import responsibility_matrix
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db


def test_saas_is_procured_by_the_methods_for_saas_with_and_without_customisation_and_no_code(
    client: Client,
) -> None:
    c = osaka()
    procurement = plan(c, service_model="saas")
    client.force_login(c.applicant)

    page = client.get(f"/procurement/{procurement.pk}/method/").content.decode()

    for section in ("第3章1.1(1)", "第3章1.1(2)", "第3章1.1(3)"):
        assert f"<h3>{section}</h3>" in page
    assert "<h3>第3章1.1(4)</h3>" not in page
    assert "サービス提供業務委託" in page
    assert "利用申し込み：" not in page
    assert "SLA のひな形には8項目あります" in page


def test_a_service_only_on_standard_terms_is_procured_by_sign_up(client: Client) -> None:
    c = osaka()
    procurement = plan(c, service_model="saas", terms_only=True)
    client.force_login(c.applicant)

    page = client.get(f"/procurement/{procurement.pk}/method/").content.decode()

    assert "利用申し込み：" in page
    assert "サービス提供業務委託：" not in page


def test_iaas_is_procured_on_the_common_cloud(client: Client) -> None:
    c = osaka()
    procurement = plan(c, service_model="iaas")
    client.force_login(c.applicant)

    page = client.get(f"/procurement/{procurement.pk}/method/").content.decode()

    assert "<h3>第3章1.1(4)</h3>" in page
    assert "大阪市共通クラウド(Azure)前提の構築・開発" in page
    assert "<h3>第3章1.1(1)</h3>" not in page


def test_the_responsibility_split_has_a_row_per_passage_of_the_pack() -> None:
    matrix = responsibility_matrix(osaka().municipality)

    rows = {row.item["id"]: row.applies for row in matrix.rows}
    assert [row.item["source"]["clause"] for row in matrix.rows] == [
        "第4章2.1",
        "第4章2.2",
        "第4章2.3",
        "第4章2.3",
        "第4章2.4",
        "第4章2.5",
        "第4章2.5 注4",
        "第4章2.6",
        "第4章2.7",
    ]
    # Columns: SaaS, PaaS, IaaS, SaaS through a contractor (SIer).
    assert rows["build.split.saas"] == [True, False, False, True]
    assert rows["build.split.paas"] == [False, True, False, False]
    assert rows["build.split.iaas"] == [False, False, True, False]
    assert rows["build.split.sier"] == [False, True, True, True]
    assert rows["proc.split.intermediary"] == [True, True, True, True]
    assert rows["ops.split.linked-saas"] == [True, False, False, True]


def test_the_responsibility_split_page_shows_the_seed_text(client: Client) -> None:
    c = osaka()
    client.force_login(c.security_manager)

    page = client.get("/procurement/responsibility-split/").content.decode()

    assert "利用者アカウントや業務データの設定については、クラウドサービス利用者の責任となります" in page
    assert "第4章2.7" in page


def test_a_city_without_a_responsibility_split_says_so(client: Client) -> None:
    client.force_login(city("kobe").security_manager)

    page = client.get("/procurement/responsibility-split/").content.decode()

    assert "kobe市の規定には責任分界の記載がありません。" in page
