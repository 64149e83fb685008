"""The service manager edits an entry; each edit is a versioned change with its reason."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.ledger.models import LedgerChange, LedgerEntry
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def edit_data(entry, **changes):  # type: ignore[no-untyped-def]
    data = {
        "purpose": entry.purpose,
        "period_start": "",
        "period_end": "",
        "user_scope": entry.user_scope,
        "user_scope_detail": entry.user_scope_detail,
        "service_manager": entry.service_manager_id,
        "reason": "",
        "version": entry.version,
    }
    return data | changes


def test_the_manager_edits_and_a_change_is_recorded(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)

    response = client.post(
        f"/ledger/{entry.pk}/edit/", edit_data(entry, purpose="窓口予約", reason="業務追加")
    )

    assert response.status_code == 302
    change = LedgerChange.objects.get(entry=entry)
    assert change.after == {"purpose": "窓口予約"}
    assert change.reason == "業務追加"


def test_a_reason_is_required(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)

    response = client.post(f"/ledger/{entry.pk}/edit/", edit_data(entry, purpose="窓口予約"))

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not LedgerChange.objects.exists()


def test_the_manager_is_handed_over_to_another_person(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)

    # Kobe 5.2.1③: to another of the department's 情報管理者等 (kumokan's applicant role).
    successor = f.member(city.municipality, Role.APPLICANT, city.department)
    client.post(f"/ledger/{entry.pk}/edit/", edit_data(entry, service_manager=successor.pk, reason="異動"))

    entry.refresh_from_db()
    assert entry.service_manager == successor


def test_a_stale_version_is_a_conflict(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)

    read = entry.version
    LedgerEntry.objects.filter(pk=entry.pk).update(version=read + 1)

    response = client.post(
        f"/ledger/{entry.pk}/edit/", edit_data(entry, purpose="窓口予約", reason="x", version=read)
    )

    assert "他の人が先に更新しました" in " ".join(response.context["form"].non_field_errors())


def test_a_version_the_entry_never_had_is_not_blamed_on_someone_else(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)

    response = client.post(
        f"/ledger/{entry.pk}/edit/",
        edit_data(entry, purpose="窓口予約", reason="x", version=entry.version + 1),
    )

    errors = " ".join(response.context["form"].non_field_errors())
    assert f"版 {entry.version + 1} はありません" in errors and "他の人" not in errors


def test_someone_who_does_not_manage_it_is_refused(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    other_manager = f.member(city.municipality, f.Role.SERVICE_MANAGER, city.department)
    client.force_login(other_manager)

    assert client.get(f"/ledger/{entry.pk}/edit/").status_code == 403
    client.force_login(city.chief)
    assert client.get(f"/ledger/{entry.pk}/edit/").status_code == 403


def test_a_refused_edit_reads_in_the_language_of_the_page(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)
    LedgerEntry.objects.filter(pk=entry.pk).update(version=entry.version + 1)
    stale = edit_data(entry, purpose="窓口予約", reason="x")

    japanese = client.post(f"/ledger/{entry.pk}/edit/", stale)
    english = client.post(f"/ledger/{entry.pk}/edit/", stale, HTTP_ACCEPT_LANGUAGE="en")

    assert japanese.context["form"].non_field_errors() == [
        f"この台帳は他の人が先に更新しました（版 {entry.version} → {entry.version + 1}）。"
        "画面を更新して内容を確認してください。"
    ]
    assert english.context["form"].non_field_errors() == [
        f"The entry was changed by someone else (version {entry.version} → {entry.version + 1}); reload"
    ]
