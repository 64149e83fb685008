from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import NOTE_MAX_LENGTH, LedgerEntry
from kumokan.ledger.paging import PAGE_SIZE, cursor_of
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_the_list_filters_sorts_and_pages_as_the_ledger_page_does(api_as, client):
    c = f.city("kobe")
    box = f.entry(c, service_name="Box")
    teams = f.entry(c, service_name="Teams", provider="Microsoft")
    viewer = c.staff
    client.force_login(viewer)

    after_box = cursor_of(box, ["service_name", "function_name", "id"])
    for params in (
        {},
        {"q": "box"},
        {"provider": "Microsoft"},
        {"sort": "-service"},
        {"status": "approved"},
        {"after": after_box},
        {"before": after_box, "sort": "-service"},
    ):
        api = api_as(viewer).get("/ledger", **params).json()
        page = client.get("/ledger/", params).context["page"]
        assert [e["id"] for e in api["results"]] == [e.pk for e in page.object_list], params
    assert api_as(viewer).get("/ledger", q="box").json()["results"][0]["id"] == box.pk
    assert [e["id"] for e in api_as(viewer).get("/ledger", sort="-service").json()["results"]] == [
        teams.pk,
        box.pk,
    ]
    assert [e["id"] for e in api_as(viewer).get("/ledger", after=after_box).json()["results"]] == [teams.pk]
    assert api_as(viewer).get("/ledger").json()["page_size"] == PAGE_SIZE


def test_the_ledger_pages_by_the_ui_page_size(api_as):
    c = f.city("kobe")
    for n in range(PAGE_SIZE + 1):
        f.entry(c, service_name=f"サービス{n:02d}")

    first = api_as(c.staff).get("/ledger").json()
    second = api_as(c.staff).get("/ledger", page=2).json()

    assert first["count"] == PAGE_SIZE + 1 and first["pages"] == 2 and len(first["results"]) == PAGE_SIZE
    assert first["next_page"] == 2 and first["previous_page"] is None
    assert len(second["results"]) == 1 and second["previous_page"] == 1
    assert api_as(c.staff).get("/ledger", page=3).json()["results"] == []


def test_a_filter_value_the_page_would_not_offer_is_422(api_as):
    c = f.city("kobe")
    f.entry(c)

    assert_error(api_as(c.staff).get("/ledger", status="lost"), 422)
    body = assert_error(api_as(c.staff).get("/ledger", classification="9"), 422)
    assert body["details"][0]["field"] == "classification"
    assert_error(api_as(c.staff).get("/ledger", department_id=999999), 422)
    assert_error(api_as(c.staff).get("/ledger", department="nowhere"), 422)
    assert api_as(c.staff).get("/ledger", department=c.department.code).json()["count"] == 1


def test_the_list_reads_the_departments_only_to_check_a_department_filter(api_as):
    # Issue 18 point 5: the filters' choices are read when a value is checked against them (or the
    # page shows them), not on every list: the departments' query (an index probe each) is one fewer.
    c = f.city("kobe")
    f.entry(c)
    api = api_as(c.staff)
    api.get("/ledger")

    def sql(**params: str) -> str:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/ledger", **params).status_code == 200
        return " ".join(query["sql"] for query in captured.captured_queries)

    choices = '"tenancy_department"."id" AS "pk"'
    assert choices not in sql()
    assert choices not in sql(classification="2", status="approved")
    assert choices in sql(department_id=str(c.department.pk))


def test_a_cursor_with_an_impossible_date_is_422(api_as):
    c = f.city("kobe")
    f.entry(c)
    cursor = "WyIyMDIwLTEzLTQ1VDAwOjAwOjAwIiwgMV0"  # ["2020-13-45T00:00:00", 1]

    body = assert_error(api_as(c.staff).get("/ledger", sort="updated", after=cursor), 422)

    assert body["details"][0]["field"] == "after"


def test_a_malformed_cursor_is_422_as_well(api_as):
    c = f.city("kobe")
    f.entry(c)

    body = assert_error(api_as(c.staff).get("/ledger", before="not-a-cursor"), 422)

    assert body["details"][0]["field"] == "before"


def test_contractors_may_not_read_the_ledger(api_as):
    c = f.city("kobe")
    contractor = f.member(c.municipality, Role.CONTRACTOR, c.department)

    assert_error(api_as(contractor).get("/ledger"), 403)


def test_another_municipalitys_entry_is_404(api_as):
    c = f.city("kobe")
    other = f.city("amagasaki", overlays=())
    entry = f.entry(c)

    assert_error(api_as(other.staff).get(f"/ledger/{entry.pk}"), 404)
    assert api_as(other.staff).get("/ledger").json()["count"] == 0


def test_the_service_manager_edits_with_a_reason_on_the_version_seen(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    manager = entry.service_manager
    url = f"/ledger/{entry.pk}"

    response = api_as(manager).patch(
        url, {"version": entry.version, "reason": "業務拡大", "purpose": "新しい目的"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["purpose"] == "新しい目的" and body["version"] == entry.version + 1
    assert body["changes"][0]["reason"] == "業務拡大"
    assert AuditEvent.objects.filter(action="ledger.edit", actor=manager).exists()
    assert_error(api_as(manager).patch(url, {"version": entry.version, "reason": "x", "purpose": "y"}), 409)
    # A reason is required: the schema says so (minLength, a pattern refusing blanks), the server agrees.
    blank = api_as(manager).patch(url, {"version": entry.version + 1, "reason": " ", "purpose": "z"})
    assert assert_error(blank, 422)["details"][0]["field"] == "reason"
    assert_error(
        api_as(manager).patch(url, {"version": entry.version + 1, "reason": "x", "colour": "z"}), 422
    )


def test_the_note_is_read_and_written_within_its_length(api_as, client):
    c = f.city("kobe")
    entry = f.entry(c)
    manager = entry.service_manager
    url = f"/ledger/{entry.pk}"
    assert api_as(manager).get(url).json()["note"] == ""

    response = api_as(manager).patch(
        url, {"version": entry.version, "reason": "備考を追記", "note": "年度末に見直し"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["note"] == "年度末に見直し"
    assert LedgerEntry.objects.get(pk=entry.pk).note == "年度末に見直し"
    assert response.json()["changes"][0]["after"] == {"note": "年度末に見直し"}
    too_long = "あ" * (NOTE_MAX_LENGTH + 1)
    refused = api_as(manager).patch(url, {"version": entry.version + 1, "reason": "x", "note": too_long})
    assert assert_error(refused, 422)["details"][0]["field"] == "note"
    assert LedgerEntry.objects.get(pk=entry.pk).note == "年度末に見直し"
    # The schema says so, for reading and for writing.
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "note" in schemas["EntryDetail"]["required"]
    assert schemas["EntryUpdate"]["properties"]["note"]["anyOf"][0]["maxLength"] == NOTE_MAX_LENGTH


def test_someone_who_sees_the_entry_but_does_not_manage_it_is_403(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    other_manager = f.member(c.municipality, Role.SERVICE_MANAGER, c.department)

    assert_error(
        api_as(c.staff).patch(f"/ledger/{entry.pk}", {"version": 1, "reason": "x", "purpose": "y"}), 403
    )
    assert_error(
        api_as(other_manager).patch(f"/ledger/{entry.pk}", {"version": 1, "reason": "x", "purpose": "y"}), 403
    )


def test_starting_operation_is_refused_while_the_build_gate_is_open(api_as):
    c = f.city("kobe")
    entry = f.entry(c)

    body = assert_error(
        api_as(entry.service_manager).post(
            f"/ledger/{entry.pk}/steps", {"version": entry.version, "step": "start_operation"}
        ),
        400,
    )

    assert body["code"] == "operation_gate"


def test_the_gate_refusal_names_each_open_item_by_its_text_and_clause_in_both_languages(api_as):
    """Issue 17 point 2: a person reads the refusal; an item's id (amagasaki:build.…) is no name."""
    from kumokan.lifecycle.gates import operation_blockers

    c = f.city("amagasaki", overlays=())
    entry = f.entry(c)
    open_items = operation_blockers(entry)
    access = next(i for i in open_items if i["id"] == "build.access.prevent-unauthorised-access")

    body = assert_error(
        api_as(entry.service_manager).post(
            f"/ledger/{entry.pk}/steps", {"version": entry.version, "step": "start_operation"}
        ),
        400,
        "operation_gate",
    )

    rules = "尼崎市クラウドサービスの利用に関する規定（２以上）4.3＜アクセス制御に関する事項＞"
    assert (
        f"・不正なアクセスを防止するためのアクセス制御を実装する。（{rules}）" in body["message"].splitlines()
    )
    assert f"- {access['text_en']} ({rules})" in body["message_en"].splitlines()
    assert body["message_en"].startswith(f"{len(open_items)} item(s) required before operation")
    for message in (body["message"], body["message_en"]):
        assert "amagasaki:" not in message and "build.access" not in message
        assert len(message.splitlines()) == len(open_items) + 1


def test_status_steps_follow_the_ledger_table_and_the_lifecycle_gates(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    client = api_as(entry.service_manager)
    url = f"/ledger/{entry.pk}/steps"

    assert_error(
        client.post(url, {"version": entry.version, "step": "resume", "reason": "x"}),
        400,
        "invalid_transition",
    )
    # Kobe §7: retiring needs the termination procedure first.
    assert_error(
        client.post(url, {"version": entry.version, "step": "retire", "reason": "契約終了"}),
        400,
        "termination_missing",
    )
    assert LedgerEntry.objects.get(pk=entry.pk).status == EntryStatus.APPROVED


def test_the_history_gives_each_reason_in_japanese_and_in_english(api_as):
    from kumokan.lifecycle.actions import entries
    from kumokan.lifecycle.tests.factories import in_operation

    c = f.city("kobe")
    entry = in_operation(c)  # no reason typed: the history names the step
    entries.suspend(acting_user=entry.service_manager, entry=entry, reason="提供者の障害のため")

    changes = api_as(entry.service_manager).get(f"/ledger/{entry.pk}").json()["changes"]

    assert [(x["reason"], x["reason_en"]) for x in changes] == [
        ("提供者の障害のため", "提供者の障害のため"),  # as the person typed it
        ("運用開始", "Start operation"),
    ]


def test_a_refusal_reads_as_a_sentence_in_english_and_as_written_in_japanese(api_as):
    # Issue 17: a msgid that is a fragment ("no termination has been requested…") is capitalised where it
    # is shown on its own.
    entry = f.entry(f.city("kobe"))
    body = assert_error(
        api_as(entry.service_manager).post(
            f"/ledger/{entry.pk}/steps", {"version": entry.version, "step": "retire", "reason": "契約終了"}
        ),
        400,
        "termination_missing",
    )
    assert body["message_en"] == "No termination has been requested for this service"
    assert body["message"] == "利用終了の届出がありません。利用終了の手続きを始めてください。"
