"""Issue 13, hole 1: naming a service manager never crosses the tenant boundary, nor tells who exists.

The API accepts exactly the people the web edit form offers (tenancy.access.eligible_service_managers),
and anyone else, of another municipality or of none, is the same 422 whatever else the request says.
"""

from __future__ import annotations

import pytest

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.ledger import actions
from kumokan.ledger.forms import EntryForm
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.actions import ensure_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def test_a_person_of_another_city_cannot_be_made_manager_and_gains_nothing(api_as):
    kobe, amagasaki = f.city("kobe"), f.city("amagasaki", overlays=())
    entry = f.entry(kobe)
    outsider = amagasaki.staff

    response = api_as(entry.service_manager).patch(
        f"/ledger/{entry.pk}",
        {"version": entry.version, "reason": "担当替え", "service_manager": outsider.username},
    )

    body = assert_error(response, 422)
    assert body["details"][0]["field"] == "service_manager"
    assert not Membership.objects.filter(user=outsider, municipality=kobe.municipality).exists()
    assert LedgerEntry.objects.get(pk=entry.pk).service_manager_id == entry.service_manager_id
    assert not AuditEvent.objects.filter(action="membership.grant", after__user=outsider.pk).exists()
    assert_error(api_as(outsider).get(f"/ledger/{entry.pk}"), 404)
    assert api_as(outsider).get("/ledger").json()["count"] == 0


def test_a_stale_version_answers_alike_for_another_citys_username_and_an_unknown_one(api_as):
    kobe, amagasaki = f.city("kobe"), f.city("amagasaki", overlays=())
    entry = f.entry(kobe)
    client = api_as(entry.service_manager)

    def answer(username: str) -> tuple[int, str]:
        response = client.patch(
            f"/ledger/{entry.pk}",
            {"version": entry.version + 7, "reason": "担当替え", "service_manager": username},
        )
        return response.status_code, response.json()["message_en"].replace(repr(username), "NAME")

    assert (
        answer(amagasaki.applicant.username)
        == answer("nobody-of-any-city")
        == answer(amagasaki.administrator.username)
    )
    assert answer("nobody-of-any-city")[0] == 422


def test_the_api_accepts_exactly_whom_the_edit_form_offers(api_as):
    kobe, amagasaki = f.city("kobe"), f.city("amagasaki", overlays=())
    entry = f.entry(kobe)
    retired = f.member(kobe.municipality, Role.APPLICANT, kobe.department, is_active=False)
    # Kobe 5.2.1③: the manager is one of the department's 情報管理者等 (kumokan's applicant role).
    colleague = f.member(kobe.municipality, Role.APPLICANT, kobe.department)
    elsewhere = f.member(kobe.municipality, Role.APPLICANT, kobe.other_department)
    client = api_as(kobe.administrator)
    candidates = [kobe.staff, kobe.head, colleague, kobe.other_head, elsewhere, retired]
    candidates += [amagasaki.staff, amagasaki.chief, f.user("belongs-nowhere")]
    for person in candidates:
        entry.refresh_from_db()
        offered = EntryForm(entry=entry, field_labels={}).fields["service_manager"].queryset
        response = client.patch(
            f"/ledger/{entry.pk}",
            {"version": entry.version, "reason": "担当替え", "service_manager": person.username},
        )
        if offered.filter(pk=person.pk).exists():
            assert response.status_code == 200, (person.username, response.content)
            assert response.json()["service_manager"] == person.username
        else:
            assert_error(response, 422)
    entry.refresh_from_db()
    assert entry.service_manager == colleague
    grants = AuditEvent.objects.filter(action="membership.grant", actor=kobe.administrator)
    assert {event.after["user"] for event in grants} == {colleague.pk}


def test_the_ledger_action_refuses_a_manager_of_another_city():
    kobe, amagasaki = f.city("kobe"), f.city("amagasaki", overlays=())
    entry = f.entry(kobe)

    with pytest.raises(WorkflowError) as refused:
        actions.edit_entry(
            acting_user=kobe.administrator,
            entry=entry,
            changes={"service_manager": amagasaki.staff},
            reason="担当替え",
        )

    assert refused.value.code == "manager_not_eligible"
    assert not Membership.objects.filter(user=amagasaki.staff, municipality=kobe.municipality).exists()


def test_an_action_grants_a_role_only_to_a_member_of_the_municipality():
    kobe, amagasaki = f.city("kobe"), f.city("amagasaki", overlays=())

    with pytest.raises(WorkflowError) as refused:
        ensure_membership(
            acting_user=kobe.administrator,
            user=amagasaki.staff,
            municipality=kobe.municipality,
            role=Role.SERVICE_MANAGER,
            department=kobe.department,
        )

    assert refused.value.code == "not_member"
    assert not Membership.objects.filter(user=amagasaki.staff, municipality=kobe.municipality).exists()


def test_an_approver_cannot_name_a_person_of_another_city_nor_learn_their_name(api_as):
    kitakyushu, kobe = f.city("kitakyushu", overlays=()), f.city("kobe")
    application = f.submitted(kitakyushu)
    url = f"/applications/{application.pk}/decisions"

    def decide(username: str) -> dict:
        return assert_error(
            api_as(kitakyushu.chief).post(
                url,
                {
                    "version": f.fresh(application).version,
                    "outcome": "approved",
                    "service_manager": username,
                },
            ),
            422,
        )

    outsider = decide(kobe.applicant.username)
    assert kobe.applicant.last_name not in outsider["message"]
    assert outsider["message_en"].replace(kobe.applicant.username, "X") == decide("ghost")[
        "message_en"
    ].replace("ghost", "X")
    assert not Membership.objects.filter(user=kobe.applicant, municipality=kitakyushu.municipality).exists()
