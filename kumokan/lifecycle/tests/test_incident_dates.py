"""An incident's day is typed as the city writes dates, with a time, and shown with its 和暦 (issue 17 point 10)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kumokan.lifecycle.models import Incident
from kumokan.lifecycle.tests.factories import city, in_operation, member
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def _reporter():  # type: ignore[no-untyped-def]
    c = city("kobe")
    entry = in_operation(c)
    client = Client()
    client.force_login(member(c.municipality, Role.STAFF, c.department))
    return entry, client


@pytest.mark.parametrize("day", ["令和9年4月1日", "2027-04-01", "R9.4.1"])
def test_the_day_is_read_as_the_city_writes_it_and_the_time_beside_it(day: str) -> None:
    entry, client = _reporter()
    response = client.post(
        "/lifecycle/incidents/new/",
        {
            "entry": entry.pk,
            "title": "障害",
            "description": "ログインできない",
            "occurred_on": day,
            "occurred_time": "14:30",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert timezone.localtime(incident.occurred_at) == timezone.make_aware(
        datetime.datetime(2027, 4, 1, 14, 30)
    )
    page = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "2027-04-01（令和9年4月1日） 14:30" in page


def test_the_form_offers_a_text_box_not_the_browsers_picker() -> None:
    _entry, client = _reporter()
    page = client.get("/lifecycle/incidents/new/").content.decode()
    assert 'type="datetime-local"' not in page
    assert 'name="occurred_on"' in page and "令和9年4月1日" in page  # the placeholder's example


def test_a_time_without_its_day_is_refused_and_nothing_is_reported() -> None:
    entry, client = _reporter()
    response = client.post(
        "/lifecycle/incidents/new/",
        {"entry": entry.pk, "title": "障害", "description": "ログインできない", "occurred_time": "14:30"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 200
    assert "時刻を入れる場合は、発生した日も入力してください。" in response.content.decode()
    assert not Incident.objects.exists()


def test_no_day_no_time_is_an_incident_of_unknown_time() -> None:
    entry, client = _reporter()
    client.post("/lifecycle/incidents/new/", {"entry": entry.pk, "title": "障害", "description": "不明"})
    assert Incident.objects.get().occurred_at is None


def test_the_ledger_shows_dates_with_their_wareki_and_one_wave_dash() -> None:
    c = city("kobe")
    entry = in_operation(c)
    client = Client()
    client.force_login(c.security_manager)
    today = timezone.localdate()
    listing = client.get("/ledger/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f"{today.isoformat()}（令和" in listing
    detail = client.get(entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "\u301c" not in detail  # 〜 (WAVE DASH): the period reads ～ as the PDFs and exports do
