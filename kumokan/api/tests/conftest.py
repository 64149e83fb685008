"""People and places for the API tests, made through the same actions the product uses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import signals
from django.db import close_old_connections

from kumokan.accounts.testing import device_for
from kumokan.accounts.two_factor import requires_two_factor
from kumokan.api.actions import issue_api_token
from kumokan.api.tests.support import ApiClient
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import add_department, create_municipality, grant_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Municipality


@pytest.fixture
def kobe(db: Any) -> Municipality:
    return create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")


@pytest.fixture
def osaka(db: Any) -> Municipality:
    return create_municipality(acting_user=SYSTEM, slug="osaka", name="大阪市", pack_id="osaka")


@pytest.fixture
def kobe_it(kobe: Municipality) -> Department:
    return add_department(acting_user=SYSTEM, municipality=kobe, name="デジタル戦略部", code="digital")


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user("name", (municipality, role, department or None), …): a user holding those roles."""

    def make_user(username: str, *roles: tuple[Municipality, str, Department | None]) -> Any:
        user = get_user_model().objects.create_user(username=username, password="unused-in-api-tests")
        for municipality, role, department in roles:
            grant_membership(
                acting_user=SYSTEM,
                user=user,
                municipality=municipality,
                role=Role(role),
                department=department,
            )
        return user

    return make_user


@pytest.fixture
def api_as() -> Callable[[Any], ApiClient]:
    """api_as(user): a client authenticated with a fresh token of that user; api_as(None): no token.

    A user whose roles require a second factor has a device, as anyone using a token must.
    """

    def api_as(user: Any) -> ApiClient:
        if user is None:
            return ApiClient(None)
        if requires_two_factor(user):
            device_for(user)
        _token, text = issue_api_token(acting_user=SYSTEM, user=user, name="tests")
        return ApiClient(text)

    return api_as


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """As Django's test client does: a request through the WSGI app (schemathesis, the generated
    client's transport) must not close the connection that holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
