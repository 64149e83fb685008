"""The API refuses what the UI refuses: each operation stands for a page, needs the same capabilities
(kumokan.tenancy.permissions), and for every role gives 403 and 404 exactly where that page does."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from kumokan.api.auth import TokenAuth
from kumokan.api.tests.support import ApiClient
from kumokan.api.v1 import api
from kumokan.applications.tests import factories as f
from kumokan.lifecycle.actions.rechecks import order_recheck
from kumokan.lifecycle.models import ChecklistTask
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db

# (API method, API path, the page it stands for, the page's argument): {draft}, {submitted}, {entry},
# {provider} and {service} are filled in with real objects.
PAIRS = [
    ("GET", "/applications", "applications:detail", "{submitted}"),
    ("GET", "/applications/{submitted}", "applications:detail", "{submitted}"),
    ("POST", "/applications", "applications:new", None),
    ("PATCH", "/applications/{draft}", "applications:edit", "{draft}"),
    ("POST", "/applications/{draft}/answers", "applications:checklist", "{draft}"),
    ("POST", "/applications/{draft}/explanations", "applications:checklist", "{draft}"),
    ("POST", "/applications/{draft}/submit", "applications:submit", "{draft}"),
    ("POST", "/applications/{draft}/withdraw", "applications:withdraw", "{draft}"),
    ("POST", "/judgments", "applications:new_judgment", None),
    ("GET", "/approvals", "applications:queue", None),
    ("POST", "/applications/{submitted}/decisions", "applications:decide", "{submitted}"),
    ("GET", "/ledger", "ledger:list", None),
    ("GET", "/ledger/{entry}", "ledger:detail", "{entry}"),
    ("PATCH", "/ledger/{entry}", "ledger:edit", "{entry}"),
    ("POST", "/ledger/{entry}/steps", "lifecycle:suspend", "{entry}"),
    ("GET", "/providers", "catalog:providers", None),
    ("GET", "/providers/{provider}", "catalog:provider", "{provider}"),
    ("GET", "/services", "catalog:providers", None),
    ("GET", "/services/{service}", "catalog:provider", "{provider}"),
    ("GET", "/ledger/{entry}/tasks", "lifecycle:entry", "{entry}"),
    ("GET", "/tasks/{task}", "lifecycle:task", "{task}"),
    ("POST", "/tasks/{task}", "lifecycle:task", "{task}"),
    ("GET", "/ledger/{entry}/rechecks", "lifecycle:entry", "{entry}"),
    ("GET", "/rechecks/{recheck}", "lifecycle:recheck", "{recheck}"),
    ("POST", "/rechecks/{recheck}/answer", "lifecycle:recheck", "{recheck}"),
]
# Pages that take only POST are asked with POST; the others with GET, except where an operation records
# something: then the page is posted the same form (the action itself refuses whom it refuses).
POST_PAGES = {
    "applications:submit",
    "applications:withdraw",
    "applications:new_judgment",
    "lifecycle:suspend",
}
PAGE_FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/tasks/{task}"): {"status": "not_applicable", "note": "対象外"},
    ("POST", "/rechecks/{recheck}/answer"): {"result": "nonconforming", "note": ""},
}

# Bodies that pass validation but change nothing: a stale version, or facts the engine refuses.
STALE = 999_999
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/applications"): {"municipality": "kobe", "department": "jumin", "facts": {}},
    ("PATCH", "/applications/{draft}"): {"version": STALE, "notes": "x"},
    ("POST", "/applications/{draft}/answers"): {
        "version": STALE,
        "pack": "kobe",
        "item": "x",
        "answer": "conforms",
    },
    ("POST", "/applications/{draft}/explanations"): {
        "version": STALE,
        "pack": "kobe",
        "code": "x",
        "explanation": "x",
    },
    ("POST", "/applications/{draft}/submit"): {"version": STALE},
    ("POST", "/applications/{draft}/withdraw"): {"version": STALE},
    ("POST", "/judgments"): {"municipality": "kobe", "facts": {}},
    ("POST", "/applications/{submitted}/decisions"): {"version": STALE, "outcome": "returned", "reason": "x"},
    ("PATCH", "/ledger/{entry}"): {"version": STALE, "reason": "x", "purpose": "x"},
    ("POST", "/ledger/{entry}/steps"): {"version": STALE, "step": "suspend", "reason": "x"},
    ("POST", "/tasks/{task}"): {"version": STALE, "status": "not_applicable", "note": "対象外"},
    # Refused for a missing note after the manager check: nothing is recorded.
    ("POST", "/rechecks/{recheck}/answer"): {"version": 1, "result": "nonconforming", "note": ""},
}


def operations() -> dict[tuple[str, str], Any]:
    """Every API operation by (method, path template), e.g. ("GET", "/applications/{application_id}")."""
    found = {}
    for prefix, router in api._routers:
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found[(method, (prefix + route).replace("{int:", "{"))] = operation
    return found


def template(path: str) -> str:
    names = {"draft": "application_id", "submitted": "application_id", "entry": "entry_id"}
    names |= {"provider": "provider_id", "service": "service_id", "task": "task_id", "recheck": "recheck_id"}
    for name, parameter in names.items():
        path = path.replace("{" + name + "}", "{" + parameter + "}")
    return path


def test_every_operation_needs_the_capabilities_of_its_page():
    found = operations()
    for method, path, page, arg in PAIRS:
        view = resolve(reverse(page, args=[1] if arg else [])).func
        auth = found[(method, template(path))].auth_callbacks[0]
        assert isinstance(auth, TokenAuth)
        assert set(auth.capabilities) == set(view.capabilities), (method, path, page)


def test_every_operation_that_needs_a_role_is_paired_with_a_page():
    guarded = {key for key, operation in operations().items() if operation.auth_callbacks}
    assert guarded == {(method, template(path)) for method, path, _page, _arg in PAIRS}


def test_every_role_gets_the_same_refusals_from_the_api_as_from_the_pages(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    submitted = f.submitted(c, service_name="Box")
    draft = f.draft(c, service_name="Teams")
    recheck = order_recheck(
        acting_user=c.security_manager,
        municipality=c.municipality,
        trigger="terms_changed",
        details="規約の改定を確認すること",
        due_date=timezone.localdate() + datetime.timedelta(days=14),
        entry=entry,
    ).rechecks.get()
    ids = {
        "draft": draft.pk,
        "submitted": submitted.pk,
        "entry": entry.pk,
        "provider": entry.service.provider_id,
        "service": entry.service_id,
        "task": ChecklistTask.objects.filter(entry=entry).first().pk,
        "recheck": recheck.pk,
    }
    assert entry.service_manager == c.applicant
    people = {
        "applicant, manager of the entry": c.applicant,
        "head of another department": c.other_head,
        **{
            role.value: f.member(c.municipality, role, c.department if role in DEPARTMENT_ROLES else None)
            for role in Role
        },
    }
    differences = []
    seen: set[Any] = set()
    for who, person in people.items():
        api_client = api_as(person)
        page_client = Client()
        page_client.force_login(person)
        for method, path, page, arg in PAIRS:
            api_path = path.format(**ids)
            api_status = api_client.request(method.lower(), api_path, BODIES.get((method, path))).status_code
            url = reverse(page, args=[int(arg.format(**ids))] if arg else [])
            form = PAGE_FORMS.get((method, path))
            if form is not None or page in POST_PAGES:
                page_status = page_client.post(url, form or {}).status_code
            else:
                page_status = page_client.get(url).status_code
            # A list has no object to miss: only an object's page and operation can answer 404.
            refusals = (403, 404) if "{" in path else (403,)
            api_answer = api_status if api_status in refusals else "served"
            page_answer = page_status if page_status in refusals else "served"
            seen.add(api_answer)
            if api_answer != page_answer:
                differences.append((who, method, api_path, api_status, url, page_status))
    assert differences == [], "\n".join(map(str, differences))
    assert seen == {403, 404, "served"}


DEPARTMENT_ROLES = {Role.APPLICANT, Role.STAFF, Role.DEPARTMENT_HEAD, Role.SERVICE_MANAGER, Role.CONTRACTOR}


def test_a_token_without_any_role_is_refused_like_a_login_without_one(db, api_as):
    person = f.user("nobody")
    f.city("kobe")
    page_client = Client()
    page_client.force_login(person)

    for method, path, page, arg in PAIRS:
        if arg:
            continue
        response = api_as(person).request(method.lower(), path, BODIES.get((method, path)))
        page_response = (
            page_client.post(reverse(page)) if page in POST_PAGES else page_client.get(reverse(page))
        )
        assert response.status_code == page_response.status_code == 403, (path, page)


def test_unauthenticated_is_401_where_the_page_asks_to_log_in(db):
    for method, path, page, arg in PAIRS:
        if arg:
            continue
        response = ApiClient(None).request(method.lower(), path, BODIES.get((method, path)))
        page_response = Client().post(reverse(page)) if page in POST_PAGES else Client().get(reverse(page))
        assert response.status_code == 401 and page_response.status_code == 302, (path, page)
