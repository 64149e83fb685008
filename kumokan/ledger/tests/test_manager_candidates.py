"""Who may be named service manager of a ledger entry is the pack's rule for the entry's track, through
tenancy.access.eligible_service_managers: the edit form offers exactly them (and the current manager),
the action and the API refuse anyone else with the rule cited.

- Amagasaki (２以上)3⑷ / (２未満)2: the 課室長等 who owns the service (the department's heads);
- Kitakyushu 5.2(1)③: the CISO names the manager, the seed sets no limit (any of the city's staff);
  5.2(2)②: on the other track the 所属長 who approved is the manager (the department's heads);
- Kobe 5.2.1③ / 5.2.2②: the applicant, one of the department's 情報管理者等;
- Osaka 第4章3: the guideline names no rule (any of the city's staff).
"""

from __future__ import annotations

from typing import Any

import pytest

from kumokan.applications.tests import factories as f
from kumokan.errors import WorkflowError
from kumokan.ledger import actions
from kumokan.ledger.forms import EntryForm
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.access import eligible_service_managers
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def entry_of(c: f.City, *, high: bool = True) -> LedgerEntry:
    if c.slug == "kobe" and not high:
        return LedgerEntry.objects.get(application=f.submitted(c, high=False))  # Kobe 5.2.2② self-approval
    if c.slug == "osaka" or (c.slug == "kitakyushu" and high):
        return f.entry(c, high=high, manager=c.head)
    if c.slug == "kitakyushu":
        return f.entry(c, high=False, approver=c.head)
    return f.entry(c, high=high)


def offered(entry: LedgerEntry) -> set[Any]:
    return set(EntryForm(entry=entry, field_labels={}).fields["service_manager"].queryset)


def city_of(slug: str) -> f.City:
    return f.city(slug, approver=("デジタル統括室長", "approver") if slug == "osaka" else None)


@pytest.mark.parametrize("high", [True, False], ids=["high", "low"])
def test_amagasaki_offers_the_heads_of_the_owning_department(high: bool) -> None:
    c = city_of("amagasaki")
    entry = entry_of(c, high=high)
    second_head = f.member(c.municipality, Role.DEPARTMENT_HEAD, c.department)
    assert entry.service_manager == c.head
    assert offered(entry) == {c.head, second_head}


def test_kitakyushu_high_track_offers_any_of_the_citys_staff() -> None:
    c = city_of("kitakyushu")
    entry = entry_of(c)
    staff = {c.applicant, c.head, c.other_head, c.staff, c.security_manager, c.approver, c.chief}
    staff |= {c.system_department, c.administrator}
    assert offered(entry) == staff


def test_kitakyushu_other_track_offers_the_heads_of_the_department() -> None:
    c = city_of("kitakyushu")
    entry = entry_of(c, high=False)
    assert entry.service_manager == c.head
    assert offered(entry) == {c.head}


@pytest.mark.parametrize("high", [True, False], ids=["high", "low"])
def test_kobe_offers_the_departments_information_managers(high: bool) -> None:
    c = city_of("kobe")
    entry = entry_of(c, high=high)
    colleague = f.member(c.municipality, Role.APPLICANT, c.department)
    f.member(c.municipality, Role.APPLICANT, c.other_department)
    assert entry.service_manager == c.applicant
    assert offered(entry) == {c.applicant, colleague}


def test_osaka_offers_any_of_the_citys_staff() -> None:
    c = city_of("osaka")
    entry = entry_of(c)
    assert {c.applicant, c.staff, c.other_head, c.chief} <= offered(entry)


def test_the_current_manager_stays_selectable_where_the_rule_no_longer_offers_them() -> None:
    c = city_of("amagasaki")
    entry = entry_of(c)
    c.head.memberships.filter(role=Role.DEPARTMENT_HEAD).delete()
    assert c.head not in eligible_service_managers(c.municipality, c.department, entry.track)
    assert c.head in offered(entry)


def test_the_action_refuses_a_person_the_rule_does_not_allow_citing_it() -> None:
    c = city_of("amagasaki")
    entry = entry_of(c)
    with pytest.raises(WorkflowError) as refused:
        actions.edit_entry(
            acting_user=c.administrator, entry=entry, changes={"service_manager": c.applicant}, reason="異動"
        )
    assert refused.value.code == "manager_not_eligible"
    assert "課室長等" in refused.value.ja and "3⑷" in refused.value.ja
    assert "3⑷" in refused.value.en
    assert LedgerEntry.objects.get(pk=entry.pk).service_manager == c.head


def test_the_edit_form_refuses_a_person_the_rule_does_not_allow(client: Any) -> None:
    c = city_of("kobe")
    entry = entry_of(c)
    client.force_login(c.administrator)
    response = client.post(
        f"/ledger/{entry.pk}/edit/",
        {
            "purpose": entry.purpose,
            "user_scope": entry.user_scope,
            "service_manager": c.head.pk,
            "reason": "異動",
            "version": entry.version,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["service_manager"]
    assert LedgerEntry.objects.get(pk=entry.pk).service_manager == c.applicant
