"""Start operation, suspend, resume, retire: POST forms, confirmed, taken by the ledger actions."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.lifecycle.actions.tasks import decide_task
from kumokan.lifecycle.models import ChecklistTask

pytestmark = pytest.mark.django_db


def confirm_what_operation_needs(entry) -> None:  # type: ignore[no-untyped-def]
    for task in ChecklistTask.objects.filter(entry=entry, required_before_operation=True):
        decide_task(acting_user=entry.service_manager, task=task, status="confirmed")


def test_starting_operation_is_confirmed_then_taken(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    confirm_what_operation_needs(entry)
    client.force_login(city.applicant)

    asked = client.post(f"/ledger/{entry.pk}/start/", {"version": entry.version, "reason": ""})
    assert asked.status_code == 200
    entry.refresh_from_db()
    assert entry.status == "approved"

    done = client.post(
        f"/ledger/{entry.pk}/start/", {"version": entry.version, "reason": "", "confirmed": "on"}
    )
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "in_operation"


def test_a_refusal_by_the_action_is_shown(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)  # the items required before operation are still open
    client.force_login(city.applicant)

    response = client.post(
        f"/ledger/{entry.pk}/start/", {"version": entry.version, "reason": "", "confirmed": "on"}, follow=True
    )

    entry.refresh_from_db()
    assert entry.status == "approved"
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_retiring_needs_a_reason(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)

    response = client.post(
        f"/ledger/{entry.pk}/retire/", {"version": entry.version, "reason": "", "confirmed": "on"}
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.status == "approved"


def test_a_step_the_status_does_not_allow_is_refused(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)

    response = client.post(
        f"/ledger/{entry.pk}/resume/",
        {"version": entry.version, "reason": "再開", "confirmed": "on"},
        follow=True,
    )

    entry.refresh_from_db()
    assert entry.status == "approved"
    assert any("できません" in str(m) for m in response.context["messages"])


def test_get_is_refused(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.applicant)

    assert client.get(f"/ledger/{entry.pk}/retire/").status_code == 405


def test_someone_who_does_not_manage_it_is_refused(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    client.force_login(city.chief)

    response = client.post(f"/ledger/{entry.pk}/start/", {"version": entry.version, "confirmed": "on"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "No termination has been requested for this service"),
        ("ja", "利用終了の届出がありません。利用終了の手続きを始めてください。"),
    ],
)
def test_a_refusal_shown_on_its_own_reads_as_a_sentence(client: Client, language: str, shown: str) -> None:
    # Issue 17: the msgid is a fragment other texts compose; shown as a message it starts with a capital.
    city = f.city("kobe")
    entry = f.entry(city)
    client.force_login(entry.service_manager)

    response = client.post(
        f"/ledger/{entry.pk}/retire/",
        {"version": entry.version, "reason": "契約終了", "confirmed": "on"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert [str(m) for m in response.context["messages"] if m.level_tag == "error"] == [shown]
    assert shown in response.content.decode()
