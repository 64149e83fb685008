"""An entry's page: every field, every change (who, when, before → after), and what its manager may do."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.ledger import actions

pytestmark = pytest.mark.django_db


def test_every_change_shows_who_when_and_before_after(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    actions.edit_entry(
        acting_user=city.applicant, entry=entry, changes={"purpose": "窓口予約の受付"}, reason="業務の見直し"
    )
    client.force_login(city.chief)

    page = client.get(f"/ledger/{entry.pk}/").content.decode()

    assert "業務の見直し" in page
    assert "<del>市民からの各種申請の受付</del> → <ins>窓口予約の受付</ins>" in page
    assert "申請 花子" in page


def test_the_status_buttons_are_shown_to_the_manager_only(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)

    client.force_login(city.applicant)  # Kobe §5.2.1③: the applicant became the manager
    assert f"/ledger/{entry.pk}/start/" in client.get(f"/ledger/{entry.pk}/").content.decode()
    client.force_login(city.chief)
    assert f"/ledger/{entry.pk}/start/" not in client.get(f"/ledger/{entry.pk}/").content.decode()


def test_the_pack_fields_show_with_the_packs_labels(client: Client) -> None:
    city = f.city("kitakyushu")
    application = f.submitted(city, applicant=city.head)
    from kumokan.applications import actions as application_actions

    application_actions.decide(
        acting_user=city.chief,
        application=application,
        outcome="approved",
        expected_version=f.fresh(application).version,
        service_manager=city.head,
    )
    entry = f.fresh(application).ledger_entry
    client.force_login(city.chief)

    page = client.get(f"/ledger/{entry.pk}/").content.decode()

    labels = [x["label"] for x in application.judgment.judgment["ledger_fields"] if x["id"] in entry.fields]
    assert all(label in page for label in labels)


def test_another_municipalitys_entry_is_not_found(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    other = f.city("osaka", approver=("デジタル統括室長", "approver"))
    client.force_login(other.chief)

    assert client.get(f"/ledger/{entry.pk}/").status_code == 404
