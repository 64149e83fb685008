from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from kumokan.tenancy.actions import create_municipality, grant_membership
from kumokan.tenancy.models import Municipality

PASSWORD = "long enough passphrase 42"


@pytest.fixture
def kobe(db: Any) -> Municipality:
    return create_municipality(acting_user=None, slug="kobe", name="神戸市", pack_id="kobe")


@pytest.fixture
def person(kobe: Municipality) -> Any:
    """person("name", "role"): a user of Kobe holding that city-wide role, with PASSWORD."""

    def person(username: str, role: str | None = None, **fields: Any) -> Any:
        user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
        if role:
            grant_membership(acting_user=None, user=user, municipality=kobe, role=role)
        return user

    return person


def sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    """The password step through the real login form (not force_login, which completes both factors)."""
    return client.post("/login/", {"username": username, "password": password})
