"""The API names as service manager only whom the pack's rule for the entry's track allows, as the edit
form offers (kumokan.ledger.tests.test_manager_candidates; Kobe 5.2.1③: the department's 情報管理者等)."""

from __future__ import annotations

from typing import Any

import pytest

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f
from kumokan.ledger.tests.test_manager_candidates import city_of, entry_of
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_the_api_refuses_a_person_the_rule_does_not_allow(api_as: Any) -> None:
    c = city_of("kobe")
    entry = entry_of(c)
    colleague = f.member(c.municipality, Role.APPLICANT, c.department)
    client = api_as(c.administrator)
    refused = client.patch(
        f"/ledger/{entry.pk}",
        {"version": entry.version, "reason": "異動", "service_manager": c.head.username},
    )
    assert_error(refused, 422)
    accepted = client.patch(
        f"/ledger/{entry.pk}",
        {"version": entry.version, "reason": "異動", "service_manager": colleague.username},
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["service_manager"] == colleague.username
