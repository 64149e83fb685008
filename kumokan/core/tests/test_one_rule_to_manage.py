"""Issue 13, one place for authorisation: "may this person manage this entry" has one answer,
kumokan.tenancy.permissions.can, and the page, the API, the ledger actions and the lifecycle actions give it.

They used to disagree: the pages asked for a service-manager role, the actions only compared the
entry's manager column, so a manager whose role an administrator had taken away was refused by the
page and still let through by the actions.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from kumokan.api.actions import issue_api_token
from kumokan.api.tests.support import ApiClient, assert_error
from kumokan.applications.tests import factories as f
from kumokan.ledger import actions
from kumokan.lifecycle import entries
from kumokan.lifecycle.actions.tasks import assign_task
from kumokan.lifecycle.models import ChecklistTask
from kumokan.tenancy.actions import revoke_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership
from kumokan.tenancy.permissions import Capability, can

pytestmark = pytest.mark.django_db


def test_a_manager_whose_role_was_taken_away_manages_the_entry_nowhere():
    c = f.city("kobe")
    entry = f.entry(c)
    manager = entry.service_manager
    assert can(manager, Capability.MANAGE_LEDGER, entry)
    revoke_membership(
        acting_user=c.administrator,
        membership=Membership.objects.get(user=manager, role=Role.SERVICE_MANAGER),
    )
    task = ChecklistTask.objects.filter(entry=entry).first()
    client = Client()
    client.force_login(manager)
    _token, text = issue_api_token(acting_user=manager, user=manager, name="t")

    assert not can(manager, Capability.MANAGE_LEDGER, entry)
    assert client.get(reverse("ledger:edit", args=[entry.pk])).status_code == 403
    assert_error(
        ApiClient(text).patch(
            f"/ledger/{entry.pk}", {"version": entry.version, "reason": "x", "purpose": "y"}
        ),
        403,
    )
    with pytest.raises(PermissionDenied):
        actions.edit_entry(acting_user=manager, entry=entry, changes={"purpose": "y"}, reason="x")
    with pytest.raises(PermissionDenied):
        entries.start_operation(acting_user=manager, entry=entry)
    with pytest.raises(PermissionDenied):
        assign_task(acting_user=manager, task=task, responsible=c.staff, due_date=None)
    # The administrator still manages it, by the same rule.
    assert can(c.administrator, Capability.MANAGE_LEDGER, entry)
    actions.edit_entry(acting_user=c.administrator, entry=entry, changes={"purpose": "y"}, reason="x")


def test_a_service_manager_manages_only_its_own_entries_and_another_city_none():
    c, other = f.city("kobe"), f.city("amagasaki", overlays=())
    entry = f.entry(c)
    colleague = f.member(c.municipality, Role.SERVICE_MANAGER, c.department)

    assert not can(colleague, Capability.MANAGE_LEDGER, entry)
    assert not can(other.administrator, Capability.MANAGE_LEDGER, entry)
    for person in (colleague, other.administrator):
        with pytest.raises(PermissionDenied):
            actions.edit_entry(acting_user=person, entry=entry, changes={"purpose": "y"}, reason="x")
