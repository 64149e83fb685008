"""Every write of /api/v1/ (POST, PATCH, PUT, DELETE), sent by another municipality's people for this one's
objects: refused with 403 or 404, and nothing in the database changed.

The operations come from the OpenAPI schema, so a new one is tried without anyone adding it here. Each
is sent with a body valid by its schema (checked with jsonschema), filled with Kobe's values (its slug,
a department's code, the target's current version), and with Kobe's ids of the model its path parameter
names (`entry_id` → LedgerEntry). That the refusal is the tenancy's and not a wrong id or a bad body is
checked too: the same request is not refused to someone of Kobe's own (tried, then rolled back).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import Client

from kumokan.accounts.testing import device_for
from kumokan.api.actions import issue_api_token
from kumokan.api.models import ApiToken
from kumokan.api.v1 import api
from kumokan.applications.models import Application
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditChainHead, AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.core.tests.test_tenant_isolation_crawl import kobe, osaka_people, owned_by
from kumokan.tenancy.actions import grant_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Municipality

__all__ = ["kobe", "osaka_people"]  # fixtures shared with the page crawl
WRITES = ("post", "patch", "put", "delete")
REFUSED = {403, 404}
IDS_PER_PARAMETER = 2
# Changed by any authenticated request (at most once a minute), not by the operation; so is the
# audit row of the token's use (issue 13, hole 8), left out of the fingerprint below.
NOT_COMPARED = {(ApiToken, "last_used_at")}


class RolledBack(Exception):
    pass


def write_operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in WRITES:
                yield method, path, operation


def models_named(parameter: str) -> list[type[models.Model]]:
    """The kumokan models a path parameter names: `entry_id` → LedgerEntry, `task_id` → ChecklistTask."""
    name = parameter.removesuffix("_id").replace("_", "")
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("kumokan") and model._meta.model_name.endswith(name)
    ]


def targets(
    operation: dict[str, Any], kobe: Municipality
) -> list[tuple[dict[str, int], models.Model | None]]:
    """Path parameters filled with Kobe's ids, with the object the (last) parameter names."""
    parameters = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    choices = []
    for parameter in parameters:
        found = models_named(parameter)
        assert found, f"no model for the path parameter {parameter}: teach models_named its name"
        rows = [row for model in found for row in owned_by(model, kobe).order_by("pk")[:IDS_PER_PARAMETER]]
        assert rows, f"Kobe's demo has no {parameter} to try"
        choices.append([(parameter, row) for row in rows])
    filled = []
    for combination in itertools.product(*choices):
        filled.append(
            ({name: row.pk for name, row in combination}, combination[-1][1] if combination else None)
        )
    return filled


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(schema: dict[str, Any], document: dict[str, Any], known: dict[str, Any], name: str = "") -> Any:
    """A value valid by `schema`: Kobe's own where the property's name says what it is."""
    schema = resolve(schema, document)
    if name in known:
        return known[name]
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        return example(options[0], document, known, name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            key: example(value, document, known, key)
            for key, value in schema.get("properties", {}).items()
            if key in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2026-04-01"
    return "x"


def body_for(operation: dict[str, Any], document: dict[str, Any], known: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    schema = content["application/json"]["schema"]
    body = example(schema, document, known)
    jsonschema.validate(body, {**schema, "components": document["components"]})
    return body


def kobe_values(kobe: Municipality, target: models.Model | None) -> dict[str, Any]:
    applications = Application.objects.filter(municipality=kobe).order_by("pk")
    application = target if isinstance(target, Application) else applications.first()
    department = Department.objects.filter(municipality=kobe).order_by("pk").first()
    assert application is not None and department is not None
    return {
        "municipality": kobe.slug,
        "pack": kobe.pack_id,
        "department": department.code,
        "facts": application.facts,
        "version": getattr(target, "version", 1),
        "reason": "tried from another municipality",
        "note": "tried from another municipality",
        "explanation": "tried from another municipality",
    }


def fingerprint() -> str:
    """A digest of every row of every kumokan table and of the users."""
    digest = hashlib.sha256()
    for model in [get_user_model(), *(m for m in apps.get_models() if m.__module__.startswith("kumokan"))]:
        fields = [f.attname for f in model._meta.concrete_fields if (model, f.name) not in NOT_COMPARED]
        if model is AuditChainHead:
            continue  # advances with every audit row; the rows themselves are compared
        rows = model._default_manager.order_by("pk")
        if model is AuditEvent:
            rows = rows.exclude(action=Action.API_TOKEN_USE)
        for row in rows.values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def send(client: Client, token: str, method: str, path: str, body: Any) -> int:
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs).status_code  # type: ignore[no-any-return]


def reachable_at_home(client: Client, tokens: list[str], method: str, path: str, body: Any) -> bool:
    """Whether some Kobe user gets past the access checks with the same request; nothing of it is kept."""
    for token in tokens:
        try:
            with transaction.atomic():
                status = send(client, token, method, path, body)
                raise RolledBack
        except RolledBack:
            pass
        if status not in (401, *REFUSED):
            return True
    return False


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_no_api_write_of_another_municipality_reaches_this_one(kobe: Municipality, osaka_people) -> None:
    document = api.get_openapi_schema()
    owner = get_user_model().objects.create_user("kobe-every-role")
    for role in Role:
        grant_membership(acting_user=SYSTEM, user=owner, municipality=kobe, role=role.value)
    # Drafts are their applicant's, re-checks their service manager's: any of Kobe's people will do.
    people = get_user_model().objects.filter(memberships__municipality=kobe).distinct().order_by("pk")
    # Everyone has a device, so that a refusal is the tenant boundary's, not the two-factor rule's.
    for user in [*people, *osaka_people.values()]:
        device_for(user)
    home = [issue_api_token(acting_user=user, user=user, name="home")[1] for user in people]
    visitors = {
        who: issue_api_token(acting_user=user, user=user, name="crawl")[1]
        for who, user in osaka_people.items()
    }
    client = Client()
    problems: list[str] = []
    tried = 0
    for method, route, operation in write_operations(document):
        for parameters, target in targets(operation, kobe):
            path = route.format(**parameters)
            body = body_for(operation, document, kobe_values(kobe, target))
            if not reachable_at_home(client, home, method, path, body):
                problems.append(
                    f"{method.upper()} {path}: refused to everyone of Kobe's too (a test too weak)"
                )
            before = fingerprint()
            for who, token in visitors.items():
                status = send(client, token, method, path, body)
                tried += 1
                if status not in REFUSED:
                    problems.append(f"{who}: {method.upper()} {path} answered {status}")
            if fingerprint() != before:
                problems.append(f"{method.upper()} {path} from Osaka changed the database")
    print(f"{tried} writes tried")
    assert tried > 100
    assert problems == [], "\n".join(problems)
