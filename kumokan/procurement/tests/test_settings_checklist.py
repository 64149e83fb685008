"""The settings and operation checklist per service model (Osaka 第4章3), with its periodic checks
scheduled as re-checks by the lifecycle app once the service is in operation."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kumokan.applications.tests.factories import city
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.lifecycle.choices import RecheckStatus
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tests.factories import OSAKA_APPROVER, in_operation
from kumokan.lifecycle.tests.factories import entry as ledger_entry
from kumokan.procurement import actions
from kumokan.procurement.printing import settings_checklist_form
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db


def ids(form) -> set[str]:
    return {item.clause for section in form.sections for item in section.items}


def test_iaas_gets_the_virtual_machine_network_and_key_controls_saas_does_not() -> None:
    c = osaka()
    today = datetime.date(2026, 4, 1)
    iaas = settings_checklist_form(plan(c, service_model="iaas"), today)
    saas = settings_checklist_form(plan(c, service_model="saas"), today)

    for clause in ("第4章3.5(1) 表No.4.1", "第4章3.5(1) 表No.4.2", "第4章3.5(1) 表No.6.1"):
        assert clause in ids(iaas)
        assert clause not in ids(saas)
    # Both share the governance, IAM and logging controls (第4章3.1, 表No.1, 表No.2).
    for clause in ("第4章3.1(1)①", "第4章3.5(1) 表No.1", "第4章3.5(1) 表No.2"):
        assert clause in ids(iaas) and clause in ids(saas)
    assert [section.title for section in saas.sections] == ["導入・構築時", "運用・保守時"]


def test_the_page_shows_the_periodic_settings_check_with_the_municipalitys_interval(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(c.applicant)

    page = client.get(f"/procurement/{procurement.pk}/settings/").content.decode()

    assert "システム動作環境の設定項目の保全のため" in page
    assert "12か月ごと（規定に間隔の定めがないため、自治体の設定値）。" in page
    assert "36か月ごと（規定のとおり）。" in page
    assert "台帳に登録され稼働中になった時点で、再確認として予定されます。" in page


def test_linking_the_ledger_entry_of_a_service_in_operation_shows_its_scheduled_settings_check(
    client: Client,
) -> None:
    c = city("osaka", overlays=(), approver=OSAKA_APPROVER)
    entry = in_operation(c)
    procurement = plan(c)

    actions.link_ledger_entry(acting_user=c.applicant, procurement=procurement, entry=entry)

    recheck = Recheck.objects.get(
        entry=entry, rule_key="osaka:recheck.settings.periodic", status=RecheckStatus.OPEN
    )
    assert AuditEvent.objects.filter(
        action=Action.PROCUREMENT_LINK_ENTRY, target_id=str(procurement.pk)
    ).exists()
    client.force_login(c.applicant)
    page = client.get(f"/procurement/{procurement.pk}/settings/").content.decode()
    assert f"予定済み：期限 {recheck.due_date:%Y-%m-%d}" in page


def test_a_ledger_entry_of_another_municipality_cannot_be_linked() -> None:
    c = osaka()
    kobe = city("kobe", overlays=())
    procurement = plan(c)
    other = ledger_entry(kobe)

    with pytest.raises(PermissionDenied):
        actions.link_ledger_entry(acting_user=c.applicant, procurement=procurement, entry=other)


def test_the_checklist_downloads_as_a_pdf(client: Client) -> None:
    c = osaka()
    procurement = plan(c, service_model="saas")
    client.force_login(c.applicant)

    response = client.get(f"/procurement/{procurement.pk}/settings.pdf")

    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "導入・構築時及び運用・保守時の確認事項（設定不備対策）" in flat
    assert "第4章3.5(1)表No.2" in flat
    assert "適切にロギング設定を行い、アラートや監査を行えるようにしておく必要がある" in flat


def test_a_section_that_is_one_clause_does_not_head_its_item_with_the_same_clause() -> None:
    form = settings_checklist_form(plan(osaka(), service_model="saas"), datetime.date(2026, 4, 1))
    rows = {item.clause: item for section in form.sections for item in section.items}

    # 第4章3.5(1) groups the table's rows; 第4章3.1(1)① is a clause of its own, printed once.
    assert rows["第4章3.5(1) 表No.2"].group == "第4章3.5(1)"
    assert rows["第4章3.1(1)①"].group == ""


def test_kobes_checklist_prints_each_clause_once(client: Client) -> None:
    c = city("kobe")
    procurement = plan(c, service_model="saas")
    client.force_login(c.applicant)

    response = client.get(f"/procurement/{procurement.pk}/settings.pdf")

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert text.count("3.5.1ア") == 1
