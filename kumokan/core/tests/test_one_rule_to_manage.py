"""Issue 13, one place for authorisation: "may this person manage this entry" has one answer,
kumokan.tenancy.permissions.can, and the page, the API, the ledger actions and the lifecycle actions give it.
Issue 14: the administrator's steps (setting the municipality up, linking accounts, importing a ledger)
ask the same table, and no module asks for a role by name beside it.

They used to disagree: the pages asked for a service-manager role, the actions only compared the
entry's manager column, so a manager whose role an administrator had taken away was refused by the
page and still let through by the actions.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from kumokan.accounts.actions import approve_group_mapping
from kumokan.accounts.models import IdentityProvider
from kumokan.api.actions import issue_api_token
from kumokan.api.tests.support import ApiClient, assert_error
from kumokan.applications.tests import factories as f
from kumokan.documents.actions import save_mapping
from kumokan.errors import WorkflowError
from kumokan.ledger import actions
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.tasks import assign_task
from kumokan.lifecycle.models import ChecklistTask
from kumokan.tenancy.actions import add_department, revoke_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership
from kumokan.tenancy.permissions import PERMISSIONS, Capability, can

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


# Each administrator's step, by what it does: the capability it asks for and how `person` takes it.
ADMINISTRATORS_STEPS: dict[str, tuple[Capability, Callable[[f.City, Any], object]]] = {
    "add a department": (
        Capability.ADMINISTER,
        lambda c, person: add_department(
            acting_user=person, municipality=c.municipality, name=f"総務課{person.pk}", code=f"d{person.pk}"
        ),
    ),
    "let a directory group take a role at sign-in": (
        Capability.ADMINISTER,
        lambda c, person: approve_group_mapping(
            acting_user=person,
            provider=IdentityProvider.objects.get_or_create(
                municipality=c.municipality,
                slug=c.slug,
                defaults={"name": "x", "issuer": "https://idp.invalid", "protocol": "saml"},
            )[0],
            group=f"g{person.pk}",
            role=Role.AUDITOR,
        ),
    ),
    "keep a ledger file's column mapping": (
        Capability.IMPORT_LEDGER,
        lambda c, person: save_mapping(acting_user=person, municipality=c.municipality, columns={}),
    ),
}


def refused(step: Callable[[f.City, Any], object], c: f.City, person: Any) -> bool:
    try:
        step(c, person)
    except PermissionDenied:
        return True
    except WorkflowError as refusal:
        assert refusal.code == "forbidden"
        return True
    return False


@pytest.mark.parametrize("name", ADMINISTRATORS_STEPS)
def test_an_administrators_step_asks_the_permission_table(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    capability, step = ADMINISTRATORS_STEPS[name]
    c, other = f.city("kobe"), f.city("amagasaki", overlays=())

    assert not refused(step, c, c.administrator)
    assert refused(step, c, c.chief)
    assert refused(step, c, other.administrator)
    # The table, not the step, names who takes it.
    monkeypatch.setitem(PERMISSIONS, capability, frozenset({Role.CHIEF}))
    assert not refused(step, c, c.chief)
    assert refused(step, c, c.administrator)


def test_the_ledger_import_page_opens_for_whom_the_table_lets_import(monkeypatch: pytest.MonkeyPatch) -> None:
    c = f.city("kobe")
    manager = f.entry(c).service_manager

    def status(person: Any) -> int:
        client = Client()
        client.force_login(person)
        return client.get(reverse("documents:import")).status_code

    assert (status(c.administrator), status(manager)) == (200, 403)
    monkeypatch.setitem(PERMISSIONS, Capability.IMPORT_LEDGER, frozenset({Role.SERVICE_MANAGER}))
    assert (status(c.administrator), status(manager)) == (403, 200)


ROOT = Path(__file__).resolve().parents[2]
# has_role asks for one role by name, a rule beside the table. These are the askers it keeps, each for
# a reason of its own, with how often they ask: a new one is a decision to take here, not a habit.
ROLE_QUESTIONS_OUTSIDE_THE_TABLE = {
    # The approver routing names decides a given application: the object's own rule (its docstring).
    "applications/routing.py": 1,
    # A contractor's form offers none of the city's catalogue and marks the use as run by a contractor.
    "applications/views.py": 2,
    # Who sees every overdue item on the dashboard: what a page lists, not what a person may do.
    "home/dashboard.py": 1,
}


def test_no_module_asks_for_a_role_by_name_beside_the_permission_table() -> None:
    asked: dict[str, int] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "has_role"
        ]
        if calls:
            asked[path.relative_to(ROOT).as_posix()] = len(calls)
    asked.pop("tenancy/permissions.py", None)
    assert asked == ROLE_QUESTIONS_OUTSIDE_THE_TABLE, (
        "ask kumokan.tenancy.permissions.can with a Capability (add one to PERMISSIONS) instead of has_role"
    )
