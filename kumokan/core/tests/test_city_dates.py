"""Dates as the city writes them: 2027-04-01 or 令和9年4月1日 in, the 和暦 shown beside (issue 17, point 10)."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.test import Client
from django.utils import translation

from kumokan.core.city_dates import CityDateField
from kumokan.core.templatetags.kumokan import city_date


class DueForm(forms.Form):
    due = CityDateField(label="期限")


@pytest.mark.parametrize("typed", ["2027-04-01", "令和9年4月1日", "R9.4.1", "2027/4/1", "令和９年４月１日"])
def test_a_date_is_read_as_the_city_writes_it(typed: str) -> None:
    form = DueForm({"due": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == datetime.date(2027, 4, 1)


@pytest.mark.parametrize(
    ("language", "message"),
    [("ja", "日付として読めません"), ("en", "is not a date"), ("ja", "という日はありません")],
)
def test_a_date_that_is_not_one_is_refused_in_the_readers_language(language: str, message: str) -> None:
    typed = "令和9年2月30日" if "日はありません" in message else "来年の春"
    with translation.override(language):
        form = DueForm({"due": typed})
        assert not form.is_valid()
        assert message in form.errors["due"][0]


def test_the_box_is_text_showing_the_iso_date_with_its_wareki_beside() -> None:
    html = str(DueForm(initial={"due": datetime.date(2027, 4, 1)})["due"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="2027-04-01"' in html and "（令和9年4月1日）" in html
    typed = str(DueForm({"due": "令和9年4月1日"})["due"])
    assert 'value="令和9年4月1日"' in typed and "（令和9年4月1日）" in typed


def test_pages_show_a_date_with_its_wareki() -> None:
    assert city_date(datetime.date(2019, 5, 1)) == "2019-05-01（令和元年5月1日）"
    assert city_date(None) == "—"


@pytest.mark.django_db
def test_a_due_date_typed_in_wareki_is_stored_through_the_assign_form() -> None:
    from kumokan.lifecycle.models import ChecklistTask
    from kumokan.lifecycle.tests.factories import city, entry

    c = city("kobe")
    e = entry(c)
    task = ChecklistTask.objects.filter(entry=e).first()
    client = Client()
    client.force_login(e.service_manager)
    response = client.post(
        f"/lifecycle/tasks/{task.pk}/assign/", {"responsible": c.staff.pk, "due_date": "令和9年4月1日"}
    )
    assert response.status_code == 302
    assert ChecklistTask.objects.get(pk=task.pk).due_date == datetime.date(2027, 4, 1)
    page = client.get(f"/lifecycle/tasks/{task.pk}/").content.decode()
    assert "2027-04-01（令和9年4月1日）" in page


@pytest.mark.django_db
def test_due_dates_on_the_service_page_and_the_dashboard_carry_their_wareki() -> None:
    from kumokan.lifecycle.actions.incidents import open_corrective_action
    from kumokan.lifecycle.actions.tasks import assign_task
    from kumokan.lifecycle.models import ChecklistTask
    from kumokan.lifecycle.tests.factories import city, entry

    c = city("kobe")
    e = entry(c)
    manager = e.service_manager
    day = datetime.date(2027, 4, 1)
    task = ChecklistTask.objects.filter(entry=e).first()
    assign_task(acting_user=manager, task=task, responsible=manager, due_date=day)
    open_corrective_action(acting_user=manager, entry=e, description="宛先確認", owner=manager, deadline=day)
    client = Client()
    client.force_login(manager)
    service_page = client.get(f"/lifecycle/entries/{e.pk}/").content.decode()
    assert service_page.count("2027-04-01（令和9年4月1日）") >= 2, "the task's due date and the deadline"
    dashboard = client.get("/lifecycle/").content.decode()
    assert "2027-04-01（令和9年4月1日）" in dashboard
    english = client.get("/lifecycle/", headers={"accept-language": "en"}).content.decode()
    assert "2027-04-01" in english
