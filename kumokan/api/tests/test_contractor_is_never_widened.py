"""Issue 13, hole 2: handing an entry to a contractor never gives it a department's service-manager role.

A contractor is no official of the city (Kobe §5.3): it is not among the people a service manager is
chosen from (tenancy.access.eligible_service_managers), on the web form, through the API or the action,
so it never gains the department's ledger, its export, other entries' evidence or form PDFs.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.ledger import actions
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.actions import ensure_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def contractor_of(c: f.City):  # type: ignore[no-untyped-def]
    return f.member(c.municipality, Role.CONTRACTOR, c.department, last_name="委託", first_name="業者")


def assert_not_widened(c: f.City, contractor, entry: LedgerEntry) -> None:  # type: ignore[no-untyped-def]
    assert not Membership.objects.filter(user=contractor, role=Role.SERVICE_MANAGER).exists()
    assert LedgerEntry.objects.get(pk=entry.pk).service_manager_id != contractor.pk
    assert not AuditEvent.objects.filter(action="membership.grant", after__user=contractor.pk).exists()
    client = Client()
    client.force_login(contractor)
    assert client.get(reverse("ledger:list")).status_code == 403
    assert client.get(reverse("ledger:detail", args=[entry.pk])).status_code in (403, 404)


def test_the_edit_form_neither_offers_nor_accepts_a_contractor():
    c = f.city("kobe")
    entry = f.entry(c)
    contractor = contractor_of(c)
    client = Client()
    client.force_login(c.administrator)
    url = reverse("ledger:edit", args=[entry.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "purpose": entry.purpose,
            "user_scope": entry.user_scope,
            "service_manager": contractor.pk,
            "reason": "委託先に引継ぎ",
            "version": entry.version,
        },
    )

    assert "委託 業者" not in page and "申請 花子" in page
    assert response.status_code == 200 and response.context["form"].errors["service_manager"]
    assert_not_widened(c, contractor, entry)


def test_the_api_refuses_a_contractor_as_manager(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    contractor = contractor_of(c)

    response = api_as(entry.service_manager).patch(
        f"/ledger/{entry.pk}",
        {"version": entry.version, "reason": "委託先に引継ぎ", "service_manager": contractor.username},
    )

    assert_error(response, 422)
    assert_not_widened(c, contractor, entry)


def test_the_ledger_action_refuses_a_contractor_as_manager():
    c = f.city("kobe")
    entry = f.entry(c)
    contractor = contractor_of(c)

    with pytest.raises(WorkflowError) as refused:
        actions.edit_entry(
            acting_user=c.administrator,
            entry=entry,
            changes={"service_manager": contractor},
            reason="委託先に引継ぎ",
        )

    assert refused.value.code == "manager_not_eligible"
    assert_not_widened(c, contractor, entry)


def test_no_action_grants_a_contractor_a_departments_role():
    c = f.city("kobe")
    contractor = contractor_of(c)

    with pytest.raises(WorkflowError) as refused:
        ensure_membership(
            acting_user=c.administrator,
            user=contractor,
            municipality=c.municipality,
            role=Role.SERVICE_MANAGER,
            department=c.department,
        )

    assert refused.value.code == "not_member"
    assert not Membership.objects.filter(user=contractor, role=Role.SERVICE_MANAGER).exists()


def test_a_contractor_who_is_also_staff_may_be_named():
    c = f.city("kobe")
    entry = f.entry(c)
    # Kobe 5.2.1③: the manager is one of the department's 情報管理者等 (kumokan's applicant role).
    both = f.member(c.municipality, Role.APPLICANT, c.department)
    Membership.objects.create(
        user=both, municipality=c.municipality, department=c.department, role=Role.CONTRACTOR
    )

    actions.edit_entry(
        acting_user=c.administrator, entry=entry, changes={"service_manager": both}, reason="担当替え"
    )

    assert LedgerEntry.objects.get(pk=entry.pk).service_manager == both
