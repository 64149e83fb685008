"""Every role of the Kobe demo × every page and step of the application journey, ledger and notifications,
against the one permission table (kumokan.tenancy.permissions); and a person of another municipality
reaches none of Kobe's objects.

Expected outcome of one request, in the order the guards apply:
  no role granting the page's capability → 403;
  the object is outside what the person's roles reach → 404;
  the object's own rule refuses (only the routed approver decides; a service manager manages only
  their own entries) → 403;
  otherwise the page answers (200, a redirect, or 400 for the empty POST the test sends: no state changes).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kumokan.applications import actions, routing
from kumokan.applications.models import Application, ChecklistAnswer
from kumokan.applications.tests import factories as f
from kumokan.demo.load import load_demo
from kumokan.ledger.models import LedgerEntry
from kumokan.notifications.models import Notification
from kumokan.tenancy.models import Membership
from kumokan.tenancy.permissions import DEPARTMENT_SCOPED, Capability, can, granted_roles

# url name → (the object it is called on, the method the test uses)
VIEWS: dict[str, tuple[str | None, str]] = {
    "home": (None, "get"),
    "applications:list": (None, "get"),
    "applications:new": (None, "get"),
    "applications:new_judgment": (None, "post"),
    "applications:detail": ("application", "get"),
    "applications:edit": ("own_draft", "get"),
    "applications:edit_judgment": ("own_draft", "post"),
    "applications:checklist": ("own_draft", "get"),
    "applications:review": ("own_draft", "get"),
    "applications:explain": ("own_draft", "post"),
    "applications:submit": ("own_draft", "post"),
    "applications:withdraw": ("own_draft", "post"),
    "applications:evidence": ("evidence", "get"),
    "applications:queue": (None, "get"),
    "applications:decide": ("decision", "get"),
    "ledger:list": (None, "get"),
    "ledger:detail": ("entry", "get"),
    "ledger:edit": ("managed_entry", "get"),
    "lifecycle:start": ("managed_entry", "post"),
    "lifecycle:suspend": ("managed_entry", "post"),
    "lifecycle:resume": ("managed_entry", "post"),
    "lifecycle:retire": ("managed_entry", "post"),
    "notifications:list": (None, "get"),
    "notifications:read": ("notification", "post"),
    "notifications:read_all": (None, "post"),
    "documents:import": (None, "get"),
}
NAMESPACES = ("applications", "ledger", "notifications")
# The ledger entry's status steps, which lifecycle serves (kumokan.lifecycle.actions.entries checks its gate), and
# the ledger import, which documents serves.
LEDGER_STEPS = (
    "lifecycle:start",
    "lifecycle:suspend",
    "lifecycle:resume",
    "lifecycle:retire",
    "documents:import",
)


def guarded_views() -> dict[str, Any]:
    """Every view of the journey's namespaces, by url name, with the capabilities it requires."""
    found: dict[str, Any] = {}

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and (
                namespace in NAMESPACES or f"{namespace}:{pattern.name}" in LEDGER_STEPS
            ):
                found[f"{namespace}:{pattern.name}"] = pattern.callback

    walk(get_resolver().url_patterns, None)
    return found


class Kobe:
    """The Kobe demo, with one object of each kind the pages are called on."""

    def __init__(self) -> None:
        load_demo("kobe", "demo-password-for-tests")
        self.users = {m.user.username: m.user for m in Membership.objects.select_related("user")}
        applicant = self.users["applicant"]
        self.draft = Application.objects.filter(applicant=applicant, status="draft").first()
        item = self.draft.judgment.items("selection")[0]
        actions.answer_item(
            acting_user=applicant,
            application=self.draft,
            pack_id=item["pack"],
            item_id=item["id"],
            answer="conforms",
            evidence=SimpleUploadedFile("report.pdf", b"%PDF-1.4"),
        )
        self.draft.refresh_from_db()
        self.evidence = ChecklistAnswer.objects.get(application=self.draft, item_id=item["id"])
        self.submitted = Application.objects.filter(
            status="submitted", snapshots__track="high", department=self.draft.department
        ).first()
        self.entry = LedgerEntry.objects.filter(department=self.draft.department).first()
        self.notification = Notification.objects.filter(user=applicant).first()
        assert self.draft and self.submitted and self.entry and self.notification

    def url(self, name: str) -> str:
        kind, _ = VIEWS[name]
        if kind is None:
            return reverse(name)
        if kind == "evidence":
            return reverse(name, args=[self.draft.pk, self.evidence.pk])
        target = {
            "application": self.submitted,
            "own_draft": self.draft,
            "decision": self.submitted,
            "entry": self.entry,
            "managed_entry": self.entry,
            "notification": self.notification,
        }[kind]
        return reverse(name, args=[target.pk])

    def expected(self, user: Any, name: str) -> str:
        """ "refused" (403), "not found" (404) or "allowed", from the table and the objects' own rules."""
        if name == "home":
            return "allowed"
        capabilities = guarded_views()[name].capabilities
        memberships = list(Membership.objects.filter(user=user).select_related("municipality"))

        def holds(capability: Capability, department: Any = None) -> bool:
            for m in memberships:
                if m.role not in granted_roles(capability, m.municipality):
                    continue
                if department is None:
                    return True
                in_scope = m.role not in DEPARTMENT_SCOPED or m.department_id in (None, department.pk)
                if m.municipality_id == department.municipality_id and in_scope:
                    return True
            return False

        if not any(holds(c) for c in capabilities):
            return "refused"
        if name == "documents:import":
            # The page is a ledger manager's; importing, the table's IMPORT_LEDGER (a 403 page otherwise).
            return "allowed" if holds(Capability.IMPORT_LEDGER) else "refused"
        kind, _ = VIEWS[name]
        if kind in ("own_draft",):
            return "allowed" if self.draft.applicant_id == user.pk else "not found"
        if kind in ("application", "evidence", "decision"):
            application = self.draft if kind == "evidence" else self.submitted
            own = application.applicant_id == user.pk
            if not own and not holds(Capability.VIEW_APPLICATIONS, application.department):
                return "not found"
            if kind == "decision" and not routing.may_decide(user, application, application.judgment):
                return "refused"
            return "allowed"
        if kind in ("entry", "managed_entry"):
            related = user.pk in (self.entry.service_manager_id, self.entry.applicant_id)
            if not related and not holds(Capability.VIEW_LEDGER, self.entry.department):
                return "not found"
            if kind == "managed_entry":
                # The one rule the views, the API and the ledger actions ask (tenancy.permissions.can).
                manages = can(user, Capability.MANAGE_LEDGER, self.entry)
                return "allowed" if manages else "refused"
            return "allowed"
        if kind == "notification":
            return "allowed" if self.notification.user_id == user.pk else "not found"
        return "allowed"


@pytest.fixture(scope="module")
def kobe(django_db_setup: None, django_db_blocker: Any) -> Iterator[Kobe]:
    """The demo, loaded once for this module in a transaction rolled back after its last test.

    Each test runs in a savepoint inside it (pytest-django's `db`), so neither sees the other's requests.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield Kobe()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def outcome(client: Client, method: str, url: str) -> str:
    response = getattr(client, method)(url)
    if response.status_code == 403:
        return "refused"
    if response.status_code == 404:
        return "not found"
    assert response.status_code in (200, 302, 400), (url, response.status_code)
    if response.status_code == 302:
        assert "/login/" not in response["Location"] and "two-factor" not in response["Location"], url
    return "allowed"


@pytest.mark.django_db
def test_every_role_gets_what_the_table_grants_on_every_page(kobe: Kobe) -> None:
    assert set(guarded_views()) | {"home"} == set(VIEWS), "every page of the journey is in the matrix"
    wrong = []
    for username, user in sorted(kobe.users.items()):
        client = Client()
        client.force_login(user)
        for name, (_, method) in VIEWS.items():
            expected, got = kobe.expected(user, name), outcome(client, method, kobe.url(name))
            if expected != got:
                wrong.append(f"{username} {method.upper()} {name}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
    # The table is not empty-handed: the demo's approver decides, its applicant applies.
    assert kobe.expected(kobe.users["approver"], "applications:decide") == "allowed"
    assert kobe.expected(kobe.users["applicant"], "applications:edit") == "allowed"
    assert kobe.expected(kobe.users["chief"], "applications:decide") == "refused"


@pytest.mark.django_db
def test_another_municipalitys_people_reach_nothing_of_kobe(kobe: Kobe) -> None:
    osaka = f.city("osaka", approver=("デジタル統括室長", "approver"))
    people = [getattr(osaka, name) for name in ("applicant", "head", "staff", "security_manager", "approver")]
    people += [osaka.chief, osaka.system_department, osaka.administrator]
    kobe_names = list(
        Application.objects.filter(municipality=kobe.entry.municipality).values_list(
            "service__name", flat=True
        )
    )
    wrong = []
    for person in people:
        client = Client()
        client.force_login(person)
        for name, (kind, method) in VIEWS.items():
            response = getattr(client, method)(kobe.url(name))
            if kind is not None and response.status_code not in (403, 404):
                wrong.append(f"{person.username} {name}: {response.status_code}")
            if kind is None and method == "get" and response.status_code == 200:
                page = response.content.decode()
                wrong += [f"{person.username} {name} shows {n}" for n in kobe_names if n in page]
    assert not wrong, "\n".join(wrong)
