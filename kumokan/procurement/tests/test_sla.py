"""The SLA template (Osaka 第3章2.3 SLA(例)): its rows as the seed lists them, filled in per procurement,
exported to Excel and PDF."""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from kumokan.applications.tests.factories import city
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.procurement import actions
from kumokan.procurement.models import SlaRequirement
from kumokan.procurement.sla import sla_sheet
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 1)


def key(item_id: str) -> str:
    return f"osaka:proc.sla.{item_id}"


def fill(c, procurement) -> None:
    actions.fill_sla(
        acting_user=c.applicant,
        procurement=procurement,
        requirements={
            key("availability"): ("年99.9%以上", "計画停止を除く"),
            key("backup"): ("1回／1日、7世代", ""),
            key("support-hours"): ("月～金(祝日、12/29～1/3を除く)9:00～17:30", ""),
        },
    )


def test_the_template_has_the_eight_rows_of_the_seed_in_order() -> None:
    c = osaka()

    sheet = sla_sheet(plan(c), TODAY)

    assert [(e.number, e.row.name, e.row.template) for e in sheet.rows] == [
        (1, "稼働率", "年●●.●%以上"),
        (2, "サービスパフォーマンスの管理", "●●分、●●分"),
        (3, "バックアップ対策", "●回／●日、●世代"),
        (4, "ウイルス対策", "ベンダリリースから●●時間以内"),
        (5, "記録(ログ等)", "●●ヶ月、●●年"),
        (6, "ID/パスワードの運用管理", "有"),
        (7, "セキュリティパッチ管理", "緊急度の高いものについてはベンダリリースから●●時間以内"),
        (8, "サービス窓口 営業日・時間", "月～金(祝日、12/29～1/3を除く)9:00～17:30"),
    ]
    assert sheet.rows[0].clause == "第3章2.3 SLA(例)項1"
    assert (
        sheet.rows[1].row.measure
        == "a)パフォーマンス監視間隔 b)通知時間(異常検知後、本市に通知するまでの時間)"
    )
    assert sheet.rows[5].row.measure == ""
    assert [item["id"] for item in sheet.guidance] == ["proc.sla.essentials", "proc.sla.priorities"]


def test_filling_in_the_sla_saves_each_requirement_and_is_audited() -> None:
    c = osaka()
    procurement = plan(c)

    fill(c, procurement)

    assert dict(SlaRequirement.objects.values_list("item_id", "requirement")) == {
        "proc.sla.availability": "年99.9%以上",
        "proc.sla.backup": "1回／1日、7世代",
        "proc.sla.support-hours": "月～金(祝日、12/29～1/3を除く)9:00～17:30",
    }
    event = AuditEvent.objects.get(action=Action.PROCUREMENT_SLA_FILL)
    assert event.before[key("availability")] is None
    assert event.after[key("availability")] == {"requirement": "年99.9%以上", "note": "計画停止を除く"}


def test_emptying_a_requirement_removes_it() -> None:
    c = osaka()
    procurement = plan(c)
    fill(c, procurement)

    actions.fill_sla(acting_user=c.applicant, procurement=procurement, requirements={key("backup"): ("", "")})

    assert not SlaRequirement.objects.filter(item_id="proc.sla.backup").exists()


def test_a_row_the_template_does_not_have_is_refused() -> None:
    c = osaka()
    procurement = plan(c)

    with pytest.raises(WorkflowError) as refused:
        actions.fill_sla(
            acting_user=c.applicant,
            procurement=procurement,
            requirements={"osaka:proc.sla.essentials": ("x", "")},
        )

    assert refused.value.code == "unknown_row"


def test_another_department_cannot_fill_in_the_sla() -> None:
    c = osaka()
    procurement = plan(c)

    with pytest.raises(PermissionDenied):
        actions.fill_sla(
            acting_user=c.other_head, procurement=procurement, requirements={key("backup"): ("1回", "")}
        )


def test_the_sla_exports_to_excel_with_the_values_filled_in(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    fill(c, procurement)
    client.force_login(c.applicant)

    response = client.get(f"/procurement/{procurement.pk}/sla.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert [row[1] for row in rows][:3] == ["稼働率", "サービスパフォーマンスの管理", "バックアップ対策"]
    assert rows[0][4:8] == ("年●●.●%以上", "年99.9%以上", "計画停止を除く", "第3章2.3 SLA(例)項1")
    assert rows[2][5] == "1回／1日、7世代"
    assert rows[1][5] is None
    assert any(
        row[0] == "件名" and row[2] == "電子申請サービスの調達" for row in sheet.iter_rows(values_only=True)
    )


def test_the_sla_exports_to_pdf_with_the_values_filled_in(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    fill(c, procurement)
    client.force_login(c.applicant)

    response = client.get(f"/procurement/{procurement.pk}/sla.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "サービスレベルアグリーメント（SLA）" in flat
    assert "年99.9%以上" in flat
    assert "1回／1日、7世代" in flat
    assert "第3章2.3SLA(例)項8" in flat


def test_the_sla_page_saves_what_is_typed(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(c.applicant)
    page = client.get(f"/procurement/{procurement.pk}/sla/").content.decode()
    assert 'placeholder="年●●.●%以上"' in page
    assert 'value="有"' in page

    response = client.post(
        f"/procurement/{procurement.pk}/sla/",
        {f"requirement:{key('availability')}": "年99.5%以上", f"note:{key('availability')}": ""},
    )

    assert response.status_code == 302
    assert SlaRequirement.objects.get().requirement == "年99.5%以上"


def test_a_city_whose_rules_have_no_sla_template_says_so(client: Client) -> None:
    c = city("kobe", overlays=())
    procurement = actions.plan_procurement(
        acting_user=c.applicant,
        municipality=c.municipality,
        department=c.department,
        title="庁内チャットの調達",
        facts={
            "service_name": "庁内チャット",
            "provider": "—",
            "purpose": "連絡",
            "service_model": "saas",
            "confidentiality": "2",
        },
    )
    client.force_login(c.applicant)

    page = client.get(f"/procurement/{procurement.pk}/sla/").content.decode()

    assert "kobe市の規定には SLA のひな形がありません。" in page


def test_another_municipality_cannot_export_the_sla(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(city("kobe").applicant)

    assert client.get(f"/procurement/{procurement.pk}/sla.xlsx").status_code == 404
    assert client.get(f"/procurement/{procurement.pk}/sla.pdf").status_code == 404
