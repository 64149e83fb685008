"""Django's admin greets a person by their name as the city writes it, family name first (issue 17 point 4)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_the_admin_greets_with_the_family_name_first(client) -> None:  # type: ignore[no-untyped-def]
    operator = get_user_model().objects.create_superuser(
        "kanri", password="long enough passphrase 42", last_name="小林", first_name="大輔"
    )
    client.force_login(operator)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<strong>小林 大輔</strong>" in page
    assert "<strong>大輔</strong>" not in page
