"""Every URL of kumokan, visited by every role of ANOTHER municipality with this one's object ids: refused.

The URL resolver is walked, so a new view is crawled without anyone adding it here. Kobe's demo
(a city in every state of the journey, with lifecycle, catalogue and contractor data) is the victim;
Osaka's people, one per role and one holding every role, are the visitors. Osaka has no objects of its
own, so any id that finds something finds Kobe's. A path parameter is filled with the ids of Kobe's
rows of every municipality-owned model; a page is refused when it answers 403, 404, 405 (wrong
method) or a redirect, changes nothing (no audit record) and shows no Kobe data; pages without
parameters may answer 200 but must not show Kobe's service names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kumokan.api.actions import issue_api_token
from kumokan.applications.models import Application
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.demo.load import load_demo
from kumokan.tenancy.actions import create_municipality, grant_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Municipality

REFUSED = {301, 302, 400, 401, 403, 404, 405}
# Public or per-person pages that show nothing of any municipality's records.
NOT_TENANT_DATA = {"login", "logout", "healthz", "set_language", "openapi-json", "openapi-view", "api-root"}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
IDS_PER_MODEL = 2


def routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(route, url name) of every pattern, outside the admin (its own staff-only login guards it)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                yield from routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name or ""


def owned_by(model: type[models.Model], municipality: Municipality) -> models.QuerySet[Any]:
    """The model's rows belonging to `municipality`, directly or through one or two foreign keys."""
    queryset = model._default_manager.all()
    if model is Municipality:
        return queryset.filter(pk=municipality.pk)
    names = {
        f.name: f for f in model._meta.get_fields() if isinstance(f, models.ForeignKey | models.OneToOneField)
    }
    if "municipality" in names:
        return queryset.filter(municipality=municipality)
    for name, field in names.items():
        related = field.related_model
        if any(getattr(f, "name", "") == "municipality" for f in related._meta.get_fields()):
            return queryset.filter(**{f"{name}__municipality": municipality})
    return queryset.none()


def victim_ids(municipality: Municipality) -> list[int]:
    ids: set[int] = set()
    for model in apps.get_models():
        if model._meta.app_label.startswith("kumokan") or model.__module__.startswith("kumokan"):
            ids.update(
                owned_by(model, municipality).order_by("pk").values_list("pk", flat=True)[:IDS_PER_MODEL]
            )
    return sorted(i for i in ids if isinstance(i, int))


def victim_strings(municipality: Municipality) -> dict[str, list[str]]:
    """Values to put in str/slug parameters: the victim's slug, calendar tokens and step names."""
    strings = [municipality.slug]
    for model in apps.get_models():
        if not model.__module__.startswith("kumokan"):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "name", "") == "token" and isinstance(field, models.CharField):
                strings += list(owned_by(model, municipality).values_list("token", flat=True)[:IDS_PER_MODEL])
    return {"str": strings, "slug": strings, "path": strings}


def fillings(route: str, ids: list[int], strings: dict[str, list[str]]) -> Iterator[str]:
    """The route with its parameters filled in every combination (the second parameter from fewer ids)."""
    parameters = list(PARAMETER.finditer(route))
    choices = []
    for index, parameter in enumerate(parameters):
        converter = parameter.group("converter") or "str"
        values: list[Any] = ids if converter == "int" else strings.get(converter, ["x"])
        if index:
            values = values[:4]
        choices.append(values)
    for combination in itertools.product(*choices):
        path = route
        for parameter, value in zip(parameters, combination, strict=True):
            path = path.replace(parameter.group(0), str(value), 1)
        yield "/" + path.lstrip("^").rstrip("$")


@pytest.fixture
def kobe(transactional_db: Any) -> Municipality:
    load_demo("kobe", "demo-password-for-tests")
    return Municipality.objects.get(slug="kobe")


@pytest.fixture
def osaka_people(transactional_db: Any) -> dict[str, Any]:
    """One Osaka user per role, plus one holding every role."""
    osaka = create_municipality(acting_user=SYSTEM, slug="osaka", name="大阪市", pack_id="osaka")
    people: dict[str, Any] = {}
    model = get_user_model()
    everything = model.objects.create_user("osaka-every-role")
    for role in Role:
        user = model.objects.create_user(f"osaka-{role.value}")
        grant_membership(acting_user=SYSTEM, user=user, municipality=osaka, role=role.value)
        grant_membership(acting_user=SYSTEM, user=everything, municipality=osaka, role=role.value)
        people[role.value] = user
    people["every role"] = everything
    return people


def check(
    client: Client,
    method: str,
    path: str,
    markers: list[str],
    token: str,
    has_parameters: bool,
    kobe: Municipality,
) -> str | None:
    """None if the visit was refused (or showed nothing of Kobe's), else what went wrong."""
    kobe_events = AuditEvent.objects.filter(municipality=kobe)
    before = kobe_events.count()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if path.startswith("/api/") else {}
    response = getattr(client, method)(path, **headers)
    if kobe_events.count() != before:
        return f"{method.upper()} {path} changed something of Kobe's ({response.status_code})"
    if response.status_code in REFUSED:
        return None
    if response.status_code >= 500:
        return f"{method.upper()} {path} failed with {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    shown = [marker for marker in markers if marker in text]
    if shown:
        return f"{method.upper()} {path} ({response.status_code}) shows Kobe's {shown[:3]}"
    if has_parameters and response.status_code == 200 and method == "post":
        return f"POST {path} accepted a Kobe id ({response.status_code})"
    return None


# Sequences restart at 1 (PostgreSQL included), so each table's first rows share ids and a handful of
# ids reaches the first Kobe rows of every model.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_no_role_of_another_municipality_reaches_anything_of_this_one(
    kobe: Municipality, osaka_people
) -> None:
    ids = victim_ids(kobe)
    strings = victim_strings(kobe)
    markers = [
        kobe.name,
        *Application.objects.filter(municipality=kobe).values_list("service__name", flat=True),
    ]
    assert ids and len(markers) > 10
    problems: list[str] = []
    every_route = list(routes())
    for who, user in osaka_people.items():
        client = Client()
        client.force_login(user)
        _, token = issue_api_token(acting_user=user, user=user, name="crawl")
        # The holder of every role is sent everywhere with every id; single roles with the first few.
        role_ids = ids if who == "every role" else ids[:1]
        for route, name in every_route:
            if name in NOT_TENANT_DATA:
                continue
            has_parameters = bool(PARAMETER.search(route))
            for path in fillings(route, role_ids, strings):
                for method in ("get", "post") if who == "every role" else ("get",):
                    problem = check(client, method, path, markers, token, has_parameters, kobe)
                    if problem:
                        problems.append(f"{who}: {problem}")
    assert problems == []
