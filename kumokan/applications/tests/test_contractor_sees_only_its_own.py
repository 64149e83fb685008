"""A contractor sees nothing but its own submissions: every page and every API endpoint, lists and details.

The sweep walks every URL the project serves, filling each numeric id with the id of every object the
contractor must not see; whatever answers 200 must show none of them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kumokan.api.actions import issue_api_token
from kumokan.applications import actions
from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.catalog.actions.certifications import add_certification
from kumokan.catalog.actions.ismap_import import read_ismap_list_dry_run
from kumokan.catalog.models import Provider
from kumokan.catalog.tests.ismap_sample import row, workbook
from kumokan.core.actors import SYSTEM
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.models import ChecklistTask
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db

# What only others may see: another's application, its provider, another contractor's submission.
SECRETS = ("秘密の内部サービス", "秘密の提供者株式会社", "別の委託先のサービス", "他の委託先株式会社")
OWN = "委託先の予約システム"
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _patterns(resolvers: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("admin/", "i18n/", "static/")):
                continue
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _urls(route: str, ids: list[int]) -> Iterator[str]:
    """The route with every numeric parameter set to each id in turn (text parameters to the city's slug)."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    if "(?P<" in route or "[" in route:
        return  # a regex route (static files and the like): nothing of ours
    params = list(_CONVERTER.finditer(route))
    if not params:
        yield "/" + route
        return
    numeric = any(p["converter"] == "int" for p in params)
    for value in ids if numeric else [0]:
        yield "/" + _CONVERTER.sub(
            lambda m, value=value: str(value) if m["converter"] == "int" else "kobe", route
        )


@pytest.fixture
def world() -> dict[str, Any]:
    c = f.city("kobe")
    contractor = f.member(
        c.municipality, Role.CONTRACTOR, c.department, last_name="委託先", first_name="太郎"
    )
    other_contractor = f.member(c.municipality, Role.CONTRACTOR, c.department, last_name="他の委託先株式会社")
    own = f.draft(
        c,
        applicant=contractor,
        service_name=OWN,
        provider="委託先クラウド株式会社",
        operated_by_contractor=True,
    )
    f.answer_all(own)
    f.explain_blocking(own)
    own = actions.submit(acting_user=contractor, application=own)
    other = f.draft(
        c, applicant=other_contractor, service_name="別の委託先のサービス", operated_by_contractor=True
    )
    secret = f.decided(
        c, Outcome.APPROVED, service_name="秘密の内部サービス", provider="秘密の提供者株式会社"
    )
    entry = LedgerEntry.objects.get(application=secret)
    provider = Provider.objects.get(name="秘密の提供者株式会社")
    certification = add_certification(
        acting_user=SYSTEM,
        provider=provider,
        kind="ISO27001",
        registration_number="IS 000001",
        valid_until=datetime.date(2030, 3, 31),
    )
    ismap_import = read_ismap_list_dry_run(
        acting_user=c.security_manager,
        municipality=c.municipality,
        kind="ISMAP",
        file=workbook(
            [row("C21-0005-2", "秘密の内部サービス", "秘密の提供者株式会社", audit="2023/4/1～2024/3/31")]
        ),
        file_name="ismap.xlsx",
    )
    _, token = issue_api_token(acting_user=contractor, user=contractor, name="sweep")
    # The ids of what the contractor must not see: each detail page is probed with every one of them.
    ids = {
        other.pk,
        secret.pk,
        secret.decisions.get().pk,
        entry.pk,
        provider.pk,
        entry.service_id,
        certification.pk,
        ismap_import.pk,
        *ChecklistTask.objects.filter(entry=entry).values_list("pk", flat=True)[:1],
    }
    return {"contractor": contractor, "own": own, "ids": sorted(ids), "token": token}


def test_the_contractor_reaches_its_own_submission(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["contractor"], backend="django.contrib.auth.backends.ModelBackend")
    detail = client.get(world["own"].get_absolute_url())
    assert detail.status_code == 200 and OWN in detail.content.decode()
    listed = client.get("/applications/")
    assert listed.status_code == 200 and OWN in listed.content.decode()


def test_no_page_or_endpoint_shows_the_contractor_what_is_not_its_own(world: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {world['token']}"})
    client.force_login(world["contractor"], backend="django.contrib.auth.backends.ModelBackend")
    leaks = []
    visited = 0
    for route in _patterns(get_resolver().url_patterns):
        for url in _urls(route, world["ids"]):
            response = client.get(url)
            visited += 1
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            body = response.content.decode("utf-8", errors="replace")
            leaks += [f"{url}: {secret}" for secret in SECRETS if secret in body]
    assert visited > 50
    assert not leaks, "\n".join(leaks)
