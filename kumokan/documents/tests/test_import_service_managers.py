"""A service manager's name in an imported ledger is a person of the city or a decision, never dropped
(issue 16 point 3): a name that matches one eligible person (tenancy.access.eligible_service_managers)
is that person; a name that matches nobody, or several, is asked once in the decisions form: an
eligible person, or the entries imported unassigned and shown as such."""

from __future__ import annotations

import pytest

from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.ledger_import import UNASSIGNED
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import HEADER, check, commit, problems, row
from kumokan.documents.tests.test_ledger_import import csv_file as plain_csv
from kumokan.errors import WorkflowError
from kumokan.ledger import actions as ledger_actions
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership
from kumokan.tenancy.permissions import Capability, can

pytestmark = pytest.mark.django_db

MANAGER = "クラウドサービス管理者の氏名"


def csv_file(*names):
    """One row per name, each a service of its own, the name in the manager's column."""
    rows = [[*row(**{"クラウドサービスの名称": f"サービス{n}"}), name] for n, name in enumerate(names)]
    return plain_csv(*rows, header=[*HEADER, MANAGER])


def staff(municipality, last_name, first_name, role=Role.APPLICANT):
    department = Department.objects.get(municipality=municipality, code="jumin")
    return f.member(municipality, role, department, last_name=last_name, first_name=first_name)


def pending_names(ledger_import):
    return [found["value"] for found in ledger_import.report["decisions"].get("service_manager", {}).values()]


def test_a_name_matching_one_eligible_person_makes_that_person_the_manager():
    municipality, admin = empty_city()
    yamada = staff(municipality, "山田", "太郎")
    # Written with a full-width space and a 異体字-free form: compared as the import compares names.
    ledger_import = check(municipality, admin, csv_file("山田　太郎"))
    assert ledger_import.status == ImportStatus.CHECKED, (problems(ledger_import), ledger_import.report)
    commit(admin, ledger_import)
    entry = LedgerEntry.objects.get(municipality=municipality)
    assert entry.service_manager == yamada
    assert not entry.service_manager_unassigned
    assert entry.service_manager_name == "山田　太郎"
    # Designated as an approval or an edit designates: the role in the entry's department.
    assert Membership.objects.filter(
        user=yamada, municipality=municipality, role=Role.SERVICE_MANAGER, department=entry.department
    ).exists()
    assert can(yamada, Capability.MANAGE_LEDGER, entry)


def test_a_name_no_account_has_is_asked_once_and_nothing_is_written():
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file("鈴木 花子", "鈴木　花子", "佐藤 一郎"))
    assert ledger_import.status == ImportStatus.DECISIONS
    assert problems(ledger_import) == []
    found = ledger_import.report["decisions"]["service_manager"]
    assert sorted((v["value"], v["count"]) for v in found.values()) == [("佐藤 一郎", 1), ("鈴木 花子", 2)]
    with pytest.raises(WorkflowError) as refused:
        commit(admin, ledger_import)
    assert refused.value.code == "import_state"
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()


def test_a_name_two_accounts_share_is_asked_too():
    municipality, admin = empty_city()
    staff(municipality, "田中", "次郎")
    staff(municipality, "田中", "次郎")
    ledger_import = check(municipality, admin, csv_file("田中 次郎"))
    assert ledger_import.status == ImportStatus.DECISIONS
    assert pending_names(ledger_import) == ["田中 次郎"]


def test_a_contractor_or_another_citys_person_is_not_matched_by_name():
    municipality, admin = empty_city()
    staff(municipality, "委託", "業者", role=Role.CONTRACTOR)
    other, _other_admin = empty_city("osaka-copy", "osaka")
    staff(other, "他市", "職員")
    ledger_import = check(municipality, admin, csv_file("委託 業者", "他市 職員"))
    assert sorted(pending_names(ledger_import)) == ["他市 職員", "委託 業者"]


def test_the_name_decided_as_an_eligible_person_imports_with_that_manager():
    municipality, admin = empty_city()
    sato = staff(municipality, "佐藤", "一郎")
    ledger_import = check(municipality, admin, csv_file("サトウ イチロウ"))
    actions.save_decisions(
        acting_user=admin,
        municipality=municipality,
        decisions={"service_manager": {"サトウ イチロウ": str(sato.pk)}},
    )
    saved = AuditEvent.objects.filter(action=Action.IMPORT_MAPPING_SAVE).latest("id")
    assert list(saved.after["decisions"]["service_manager"].values()) == [str(sato.pk)]
    ledger_import = actions.repeat_dry_run(acting_user=admin, ledger_import=ledger_import)
    assert ledger_import.status == ImportStatus.CHECKED, ledger_import.report
    commit(admin, ledger_import)
    entry = LedgerEntry.objects.get(municipality=municipality)
    assert (entry.service_manager, entry.service_manager_unassigned) == (sato, False)
    assert entry.service_manager_name == "サトウ イチロウ"


def test_a_name_left_unassigned_is_imported_marked_and_designating_someone_clears_the_mark(client):
    municipality, admin = empty_city()
    ledger_import = check(municipality, admin, csv_file("鈴木 花子"))
    actions.save_decisions(
        acting_user=admin, municipality=municipality, decisions={"service_manager": {"鈴木 花子": UNASSIGNED}}
    )
    commit(admin, actions.repeat_dry_run(acting_user=admin, ledger_import=ledger_import))
    entry = LedgerEntry.objects.get(municipality=municipality)
    assert entry.service_manager == admin
    assert entry.service_manager_unassigned
    assert entry.service_manager_name == "鈴木 花子"
    imported = AuditEvent.objects.get(action=Action.LEDGER_IMPORT_ENTRY, target_id=str(entry.pk))
    assert imported.after["service_manager_unassigned"] is True
    client.force_login(admin)
    page = client.get(f"/ledger/{entry.pk}/").content.decode()
    assert 'id="manager-unassigned"' in page and "未指名" in page

    suzuki = staff(municipality, "鈴木", "花子")
    ledger_actions.edit_entry(
        acting_user=admin, entry=entry, changes={"service_manager": suzuki}, reason="管理者を指名"
    )
    entry.refresh_from_db()
    assert (entry.service_manager, entry.service_manager_unassigned) == (suzuki, False)
    edit = AuditEvent.objects.filter(action=Action.LEDGER_EDIT, target_id=str(entry.pk)).latest("id")
    assert edit.before["service_manager_unassigned"] is True
    assert edit.after["service_manager_unassigned"] is False
    assert 'id="manager-unassigned"' not in client.get(f"/ledger/{entry.pk}/").content.decode()


@pytest.mark.parametrize("who", ["contractor", "other_city", "nobody"])
def test_a_decision_naming_someone_who_may_not_be_manager_is_refused(who):
    municipality, admin = empty_city()
    if who == "contractor":
        answer = str(staff(municipality, "委託", "業者", role=Role.CONTRACTOR).pk)
    elif who == "other_city":
        other, _other_admin = empty_city("osaka-copy", "osaka")
        answer = str(staff(other, "他市", "職員").pk)
    else:
        answer = "999999"
    with pytest.raises(WorkflowError) as refused:
        actions.save_decisions(
            acting_user=admin, municipality=municipality, decisions={"service_manager": {"鈴木 花子": answer}}
        )
    assert refused.value.code == "decision"
    assert refused.value.ja and refused.value.en
    assert not AuditEvent.objects.filter(action=Action.IMPORT_MAPPING_SAVE).exists()


def test_the_decisions_page_asks_for_the_manager_and_imports(client):
    municipality, admin = empty_city()
    yamada = staff(municipality, "山田", "太郎")
    client.force_login(admin)
    ledger_import = check(municipality, admin, csv_file("山田 太朗", "鈴木 花子"))
    page = client.get(f"/documents/ledger/imports/{ledger_import.pk}/")
    text = page.content.decode()
    assert "利用者が見つからない外部サービス管理者" in text  # Kobe's word (003 5.2.1⑤ク)
    assert "未指名のまま取り込む" in text
    form = page.context["decisions_form"]
    assert {value for _kind, value in form.values.values()} == {"山田 太朗", "鈴木 花子"}
    answers = {"山田 太朗": str(yamada.pk), "鈴木 花子": UNASSIGNED}
    data = {name: answers[value] for name, (_kind, value) in form.values.items()}
    response = client.post(f"/documents/ledger/imports/{ledger_import.pk}/decisions/", data, follow=True)
    assert "決定を保存し、ファイルを確認し直しました。" in response.content.decode()
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.CHECKED, ledger_import.report
    client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/")
    entries = {e.service_manager_name: e for e in LedgerEntry.objects.filter(municipality=municipality)}
    assert entries["山田 太朗"].service_manager == yamada
    assert entries["鈴木 花子"].service_manager_unassigned
