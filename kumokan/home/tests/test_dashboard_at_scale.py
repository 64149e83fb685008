"""The dashboard at scale: counted in the database, named from the pack and the departments, and asking
the same number of questions however many services and due items there are (BENCHMARKS.md)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kumokan.home import dashboard
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.ledger.tests.listing import copies
from kumokan.lifecycle.choices import RecheckTrigger, TaskStatus
from kumokan.lifecycle.gates import copy_entry_status
from kumokan.lifecycle.models import ChecklistTask, Recheck
from kumokan.lifecycle.tests.factories import City, city, entry

pytestmark = pytest.mark.django_db


def _board(user: Any) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get("/lifecycle/")
    assert response.status_code == 200
    return response.context["board"]


def _queries(user: Any) -> int:
    client = Client()
    client.force_login(user)
    client.get("/lifecycle/")  # the session and the pack are read once, as on any first page
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/lifecycle/").status_code == 200
    return len(captured)


def _due(e: LedgerEntry, days: int, responsible: Any = None, count: int = 1) -> None:
    """Give `count` of the entry's open tasks a due date `days` from today (negative: overdue)."""
    tasks = ChecklistTask.objects.filter(entry=e, status=TaskStatus.OPEN, due_date__isnull=True)
    for task in tasks.order_by("position")[:count]:
        task.due_date = timezone.localdate() + datetime.timedelta(days=days)
        task.responsible = responsible or e.service_manager
        task.save(update_fields=["due_date", "responsible"])


def _tasks_of_copies(first: LedgerEntry, made: list[LedgerEntry]) -> None:
    """The copied entries get the first entry's tasks, as approval would have made them."""
    tasks = list(ChecklistTask.objects.filter(entry=first))
    for copy in made:
        for task in tasks:
            task.pk = None
            task.entry = copy
        ChecklistTask.objects.bulk_create(tasks)


def _kobe_with_due_work() -> tuple[City, LedgerEntry]:
    c = city("kobe")
    e = entry(c)
    _due(e, -3, count=2)
    _due(e, 10)
    return c, e


def test_queries_stay_constant_as_services_and_due_items_grow() -> None:
    c, first = _kobe_with_due_work()
    people = {"chief": c.chief, "service manager": first.service_manager, "staff": c.staff}
    small = {role: _queries(person) for role, person in people.items()}

    # Ten times the services, half of them in the other department, each with overdue and coming tasks.
    made = copies(first, [f"追加サービス{n:02d}" for n in range(5)])
    made += copies(first, [f"他課のサービス{n:02d}" for n in range(5)], department=c.other_department)
    _tasks_of_copies(first, made)
    large = {role: _queries(person) for role, person in people.items()}

    assert large == small


def test_the_chief_sees_every_overdue_item_counted_and_the_earliest_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c, first = _kobe_with_due_work()
    other = copies(first, ["他課のサービス"], department=c.other_department, service_manager=c.other_head)[0]
    ChecklistTask.objects.filter(entry=other).delete()
    _tasks_of_copies(first, [other])
    ChecklistTask.objects.filter(entry=other, due_date__isnull=False).update(responsible=c.other_head)
    monkeypatch.setattr(dashboard, "LIST_LIMIT", 3)

    board = _board(c.chief)

    assert board["overdue"]["count"] == 4
    assert [item.due_date for item in board["overdue"]["items"]] == [
        timezone.localdate() - datetime.timedelta(days=3)
    ] * 3
    assert board["overdue"]["more"] == 1
    assert board["coming_due"]["count"] == 2


def test_and_n_more_links_to_the_whole_list_of_its_section(monkeypatch: pytest.MonkeyPatch) -> None:
    c, first = _kobe_with_due_work()
    other = copies(first, ["他課のサービス"], department=c.other_department, service_manager=c.other_head)[0]
    ChecklistTask.objects.filter(entry=other).delete()
    _tasks_of_copies(first, [other])
    monkeypatch.setattr(dashboard, "LIST_LIMIT", 3)
    client = Client()
    client.force_login(c.chief)

    page = client.get("/lifecycle/", headers={"accept-language": "ja"}).content.decode()
    link = f'href="?m={c.municipality.slug}&amp;all=overdue#overdue" data-more="overdue"'
    assert link in page and "他 1 件" in page.split(link)[1][:40]

    whole = client.get(f"/lifecycle/?m={c.municipality.slug}&all=overdue")
    assert len(whole.context["board"]["overdue"]["items"]) == 4
    assert whole.context["board"]["overdue"]["more"] == 0
    assert 'data-more="overdue"' not in whole.content.decode()


def test_a_service_manager_sees_only_their_own_overdue_items() -> None:
    c, first = _kobe_with_due_work()
    other = copies(first, ["他課のサービス"], department=c.other_department, service_manager=c.other_head)[0]
    _tasks_of_copies(first, [other])
    ChecklistTask.objects.filter(entry=other).update(responsible=c.other_head)

    board = _board(first.service_manager)

    assert board["overdue"]["count"] == 2
    assert {item.service for item in board["overdue"]["items"]} == {str(first)}


def test_tasks_of_retired_services_are_not_overdue() -> None:
    c, first = _kobe_with_due_work()
    # Retired by a raw write (a retirement through the ledger closes the open tasks itself): its tasks'
    # copies of the entry's status are set again as the ledger's step sets them.
    LedgerEntry.objects.filter(pk=first.pk).update(status=EntryStatus.RETIRED, retired_at=timezone.now())
    copy_entry_status(LedgerEntry.objects.get(pk=first.pk))

    assert _board(c.chief)["overdue"]["count"] == 0


def test_services_are_counted_by_the_packs_labels_and_the_department_names() -> None:
    c = city("kobe")
    first = entry(c)
    copies(first, ["機密性3のサービス"], classification_code="3", classification_label="機密性3")
    copies(first, ["他課のサービス"], department=c.other_department)
    copies(first, ["廃止したサービス"], status=EntryStatus.RETIRED, retired_at=timezone.now())

    board = _board(c.chief)

    code = first.classification_code
    assert board["by_classification"] == [(f"機密性{code}", 2), ("機密性3", 1)]
    assert board["by_department"] == [("こども家庭局 保育課", 1), ("市民局 住民課", 2)]
    assert board["by_status"] == [(EntryStatus.APPROVED.label, 3), (EntryStatus.RETIRED.label, 1)]
    assert board["total"] == 4


def test_a_code_the_pack_no_longer_has_is_counted_under_its_stored_label() -> None:
    c = city("kobe")
    first = entry(c)
    copies(first, ["旧格付のサービス"], classification_code="旧A", classification_label="旧区分A")

    board = _board(c.chief)

    assert (("旧区分A", 1)) in board["by_classification"]


def test_a_department_member_counts_only_their_departments_services() -> None:
    c = city("kobe")
    first = entry(c)
    copies(first, ["他課のサービス"], department=c.other_department, service_manager=c.other_head)

    board = _board(c.staff)

    assert board["by_department"] == [("市民局 住民課", 1)]
    assert board["total"] == 1


def test_my_tasks_list_dated_items_first_on_every_database() -> None:
    _, first = _kobe_with_due_work()

    tasks = list(_board(first.service_manager)["my_tasks"])

    dated = [task.due_date for task in tasks if task.due_date is not None]
    assert dated and [task.due_date for task in tasks[: len(dated)]] == sorted(dated)


def test_a_managers_own_items_are_grouped_by_service_with_what_is_not_due_folded() -> None:
    c = city("kitakyushu", overlays=())
    first, second = entry(c), entry(c, service_name="ウェブ会議サービス")
    manager = first.service_manager
    assert second.service_manager == manager
    _due(first, -3, responsible=manager)
    _due(second, 10, responsible=manager)
    ChecklistTask.objects.filter(entry__in=[first, second], due_date__isnull=True).update(responsible=manager)
    client = Client()
    client.force_login(manager)
    html = client.get("/lifecycle/").content.decode()

    for e in (first, second):
        open_count = ChecklistTask.objects.filter(entry=e, status=TaskStatus.OPEN).count()
        block = html.split(f'id="service-tasks-{e.pk}"')[1].split("</section>")[0]
        assert f"未着手 {open_count}件" in block
        shown, folded = block.split('<details class="later-tasks">')
        assert shown.count("<li>") == 1, "only the item due soon is unfolded"
        assert f"まだ期限の来ない項目 {open_count - 1}件" in folded
    assert html.index(f'id="service-tasks-{first.pk}"') < html.index(f'id="service-tasks-{second.pk}"')
    assert '<details class="later-tasks" open' not in html


def test_a_managers_services_are_listed_up_to_the_limit_with_exact_counts_and_a_link_to_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 18: a manager of thousands of services has tens of thousands of open items; the dashboard lists
    # the first services (of the earliest items), each with its exact count, and links to the rest.
    c = city("kitakyushu", overlays=())
    first = entry(c)
    manager = first.service_manager
    made = copies(first, ["サービスB", "サービスC"])
    _tasks_of_copies(first, made)
    ChecklistTask.objects.filter(entry__in=[first, *made]).update(responsible=manager)
    _due(first, -3, responsible=manager)
    monkeypatch.setattr(dashboard, "LIST_LIMIT", 2)
    client = Client()
    client.force_login(manager)

    page = client.get("/lifecycle/", headers={"accept-language": "ja"})
    board = page.context["board"]
    assert board["my_services"][0]["entry"] == first, "the earliest item's service first"
    assert len(board["my_services"]) == 2 and board["more_services"]
    for group in board["my_services"]:
        open_count = ChecklistTask.objects.filter(entry=group["entry"], status=TaskStatus.OPEN).count()
        assert group["count"] == open_count
        assert group["unlisted"] == open_count - len(group["due"]) - len(group["later"])
    html = page.content.decode()
    link = f'href="?m={c.municipality.slug}&amp;all=my_services#my-work" data-more="my_services"'
    assert link in html and "担当するすべてのサービスの項目を表示" in html.split(link)[1][:40]

    whole = client.get(f"/lifecycle/?m={c.municipality.slug}&all=my_services").context["board"]
    assert {group["entry"] for group in whole["my_services"]} == {first, *made}
    assert 'data-more="my_services"' not in client.get("/lifecycle/?all=my_services").content.decode()


def test_a_managers_re_checks_are_listed_up_to_the_limit_counted_and_linked_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = city("kitakyushu", overlays=())
    first = entry(c)
    made = copies(first, ["サービスB", "サービスC"])
    today = timezone.localdate()
    for n, e in enumerate([first, *made]):
        Recheck.objects.create(
            entry=e,
            trigger=RecheckTrigger.PERIODIC,
            rule_key=f"r{n}",
            due_date=today + datetime.timedelta(days=n),
        )
    monkeypatch.setattr(dashboard, "LIST_LIMIT", 2)
    client = Client()
    client.force_login(first.service_manager)

    page = client.get("/lifecycle/", headers={"accept-language": "ja"})
    rechecks = page.context["board"]["my_rechecks"]
    assert (rechecks["count"], rechecks["more"]) == (3, 1)
    assert [r.entry for r in rechecks["items"]] == [first, made[0]], "the earliest first"
    link = f'href="?m={c.municipality.slug}&amp;all=my_rechecks#my-work" data-more="my_rechecks"'
    assert link in page.content.decode() and "他 1 件" in page.content.decode().split(link)[1][:40]

    whole = client.get(f"/lifecycle/?m={c.municipality.slug}&all=my_rechecks")
    assert len(whole.context["board"]["my_rechecks"]["items"]) == 3
    assert whole.context["board"]["my_rechecks"]["more"] == 0
    assert 'data-more="my_rechecks"' not in whole.content.decode()


def test_past_the_whole_lists_bound_and_n_more_links_to_the_next_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 17 point 7: no 「他 N 件」 is a dead end, not even past FULL_LIST_LIMIT rows.
    c, first = _kobe_with_due_work()
    other = copies(first, ["他課のサービス"], department=c.other_department, service_manager=c.other_head)[0]
    ChecklistTask.objects.filter(entry=other).delete()
    _tasks_of_copies(first, [other])
    monkeypatch.setattr(dashboard, "FULL_LIST_LIMIT", 3)
    client = Client()
    client.force_login(c.chief)

    slug = c.municipality.slug
    whole = client.get(f"/lifecycle/?m={slug}&all=overdue", headers={"accept-language": "ja"})
    board = whole.context["board"]
    assert (len(board["overdue"]["items"]), board["overdue"]["more"]) == (3, 1)
    link = f'href="?m={slug}&amp;all=overdue&amp;page=2#overdue" data-more="overdue"'
    assert link in whole.content.decode() and "他 1 件" in whole.content.decode().split(link)[1][:40]

    second = client.get(f"/lifecycle/?m={slug}&all=overdue&page=2")
    rest = second.context["board"]["overdue"]
    assert (len(rest["items"]), rest["more"]) == (1, 0)
    assert {i.uid for i in rest["items"]}.isdisjoint({i.uid for i in board["overdue"]["items"]})
    assert 'data-more="overdue"' not in second.content.decode()
