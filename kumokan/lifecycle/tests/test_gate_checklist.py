"""The operation gate as a checklist: several open items confirmed at once, all or none, each audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.actions.tasks import TaskConfirmation, assign_task, confirm_tasks, decide_task
from kumokan.lifecycle.choices import TaskStatus
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, entry, member, reload
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _required(e) -> list[ChecklistTask]:  # type: ignore[no-untyped-def]
    return list(ChecklistTask.objects.filter(entry=e, required_before_operation=True).order_by("position"))


def _ticked(*tasks: ChecklistTask, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {"note": "手順書を課内で確認した。", **extra}
    for task in tasks:
        data[f"t{task.pk}"] = "on"
        data[f"t{task.pk}-version"] = task.version
    return data


def test_the_manager_confirms_several_items_in_one_post_and_each_is_audited() -> None:
    e = entry(city("kitakyushu", overlays=()))
    first, second, third = _required(e)
    response = _client(e.service_manager).post(f"/lifecycle/entries/{e.pk}/gate/", _ticked(first, second))
    assert response.status_code == 302 and response["Location"].endswith(f"/lifecycle/entries/{e.pk}/#gate")
    assert [reload(t).status for t in (first, second, third)] == [
        TaskStatus.CONFIRMED,
        TaskStatus.CONFIRMED,
        TaskStatus.OPEN,
    ]
    assert reload(first).note == "手順書を課内で確認した。"
    audited = AuditEvent.objects.filter(action=Action.LIFECYCLE_TASK_DECIDE).values_list(
        "target_id", flat=True
    )
    assert sorted(audited) == sorted([str(first.pk), str(second.pk)])


def test_the_page_shows_the_open_items_as_a_checklist_with_progress() -> None:
    e = entry(city("kitakyushu", overlays=()))
    first = _required(e)[0]
    decide_task(acting_user=e.service_manager, task=first, status=TaskStatus.CONFIRMED)
    page = _client(e.service_manager).get(f"/lifecycle/entries/{e.pk}/").content.decode()
    assert "3件中1件確認済み" in page
    assert f'name="t{first.pk}"' not in page
    for task in _required(e)[1:]:
        assert f'name="t{task.pk}"' in page and f'href="/lifecycle/tasks/{task.pk}/"' in page


def test_one_refused_item_records_none_and_names_the_item() -> None:
    e = entry(city("kitakyushu", overlays=()))
    first, second, _third = _required(e)
    stale = first.version
    decide_task(acting_user=e.service_manager, task=first, status=TaskStatus.CONFIRMED)
    decide_task(acting_user=e.service_manager, task=first, status=TaskStatus.OPEN)
    data = _ticked(first, second)
    data[f"t{first.pk}-version"] = stale
    response = _client(e.service_manager).post(f"/lifecycle/entries/{e.pk}/gate/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "1件の項目を確認済みにできませんでした。どの項目も記録していません。" in text
    assert first.source["clause"] in text and "他の人が先に更新しました" in text
    assert reload(second).status == TaskStatus.OPEN and reload(first).status == TaskStatus.OPEN


def test_a_refused_batch_leaves_no_evidence_file_behind() -> None:
    e = entry(city("amagasaki", overlays=()))
    with_hint = ChecklistTask.objects.get(entry=e, item_id="build.crypto.cryptrec")
    other = next(t for t in _required(e) if t.pk != with_hint.pk)
    upload = SimpleUploadedFile("暗号リスト確認.pdf", b"%PDF cryptrec", content_type="application/pdf")
    with pytest.raises(WorkflowError) as refused:
        confirm_tasks(
            acting_user=e.service_manager,
            entry=e,
            confirmations=[
                TaskConfirmation(task=with_hint, evidence=upload),
                TaskConfirmation(task=other, expected_version=other.version + 5),
            ],
        )
    assert refused.value.code == "tasks_refused" and len(refused.value.details) == 1
    assert not reload(with_hint).evidence
    storage = ChecklistTask._meta.get_field("evidence").storage
    folder = f"{e.municipality.slug}/lifecycle/{e.pk}"
    assert not storage.exists(folder) or storage.listdir(folder) == ([], [])


def test_evidence_is_asked_where_the_item_names_it_and_is_stored_with_the_confirmation() -> None:
    e = entry(city("amagasaki", overlays=()))
    with_hint = ChecklistTask.objects.get(entry=e, item_id="build.crypto.cryptrec")
    page = _client(e.service_manager).get(f"/lifecycle/entries/{e.pk}/").content.decode()
    assert f'name="t{with_hint.pk}-evidence"' in page and "証跡（例: CRYPTREC" in page
    upload = SimpleUploadedFile("暗号リスト確認.pdf", b"%PDF cryptrec", content_type="application/pdf")
    response = _client(e.service_manager).post(
        f"/lifecycle/entries/{e.pk}/gate/", _ticked(with_hint, **{f"t{with_hint.pk}-evidence": upload})
    )
    assert response.status_code == 302
    stored = reload(with_hint)
    try:
        assert stored.status == TaskStatus.CONFIRMED and stored.evidence_name == "暗号リスト確認.pdf"
    finally:
        stored.evidence.delete(save=False)


def test_the_person_responsible_for_one_item_sees_only_that_box_and_cannot_send_another() -> None:
    c = city("kitakyushu", overlays=())
    e = entry(c)
    first, second, _third = _required(e)
    assign_task(acting_user=e.service_manager, task=first, responsible=c.staff, due_date=None)
    staff = _client(c.staff)
    page = staff.get(f"/lifecycle/entries/{e.pk}/").content.decode()
    assert f'name="t{first.pk}"' in page and f'name="t{second.pk}"' not in page
    # A box the page did not offer is not a field of the form: it is ignored, and nothing is ticked.
    response = staff.post(f"/lifecycle/entries/{e.pk}/gate/", _ticked(second))
    assert response.status_code == 400 and "確認済みにする項目を選んでください。" in response.content.decode()
    assert reload(second).status == TaskStatus.OPEN
    with pytest.raises(PermissionDenied):
        confirm_tasks(
            acting_user=c.staff,
            entry=e,
            confirmations=[TaskConfirmation(task=reload(first)), TaskConfirmation(task=second)],
        )
    assert reload(first).status == TaskStatus.OPEN


def test_someone_responsible_for_nothing_is_refused_and_the_form_is_a_post() -> None:
    c = city("kitakyushu", overlays=())
    e = entry(c)
    first = _required(e)[0]
    assert _client(c.staff).post(f"/lifecycle/entries/{e.pk}/gate/", _ticked(first)).status_code == 403
    assert _client(e.service_manager).get(f"/lifecycle/entries/{e.pk}/gate/").status_code == 405
    outsider = member(city("kobe").municipality, Role.SERVICE_MANAGER)
    assert _client(outsider).post(f"/lifecycle/entries/{e.pk}/gate/", _ticked(first)).status_code == 404
    assert reload(first).status == TaskStatus.OPEN


def test_a_refused_start_of_operation_leads_to_the_checklist() -> None:
    e = entry(city("kitakyushu", overlays=()))
    response = _client(e.service_manager).post(
        f"/ledger/{e.pk}/start/", {"version": e.version, "reason": "", "confirmed": "on"}
    )
    assert response.status_code == 302 and response["Location"] == f"/lifecycle/entries/{e.pk}/#gate"
    assert reload(e).status == EntryStatus.APPROVED


def test_an_item_of_another_service_is_refused() -> None:
    c = city("kitakyushu", overlays=())
    e, other = entry(c), entry(c)
    with pytest.raises(WorkflowError) as refused:
        confirm_tasks(
            acting_user=e.service_manager, entry=e, confirmations=[TaskConfirmation(task=_required(other)[0])]
        )
    assert refused.value.code == "other_entry"
    assert reload(_required(other)[0]).status == TaskStatus.OPEN
