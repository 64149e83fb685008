"""Schemathesis against the API's own schema, through the WSGI app: no input gives a server error, and
every answer conforms to the schema (status code, content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from kumokan.accounts.testing import device_for
from kumokan.api.actions import issue_api_token
from kumokan.applications.tests import factories as f
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

# Bounded so that the whole run stays well under two minutes on two cores.
EXAMPLES_PER_OPERATION = 15
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": EXAMPLES_PER_OPERATION},
        "checks": {
            "positive_data_acceptance": {"enabled": True},
            # Unknown query parameters are ignored, as the pages ignore them.
            "negative_data_rejection": {"enabled": False},
        },
        # Valid by the schema but refused by what only the data can say (state-dependent): a cursor is
        # only one the server issued (the lists); classification codes and department codes are the
        # municipality's own pack and register (judge, the ledger filter, new facts); a step, a task
        # or an edit depends on the object's state and asks for a reason (400/409/422).
        "operations": [
            {
                "include-operation-id": [
                    "judge",
                    "list_applications",
                    "update_application",
                    "list_approvals",
                    "list_providers",
                    "list_services",
                    "list_ledger_entries",
                    "update_ledger_entry",
                    "take_ledger_step",
                    "list_tasks",
                    "decide_task",
                    "list_entry_rechecks",
                ],
                "checks": {"positive_data_acceptance": {"enabled": False}},
            }
        ],
    }
)


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """As Django's test client does: the WSGI app must not close the connection holding the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: Any, keep_test_connection: None) -> str:
    """A person holding every role in Kobe, with a draft, a submitted application and a ledger entry."""
    c = f.city("kobe")
    f.entry(c)
    f.submitted(c, service_name="Box")
    f.draft(c, service_name="Teams")
    for role in Role:
        if not Membership.objects.filter(user=c.applicant, role=role).exists():
            Membership.objects.create(
                user=c.applicant, municipality=c.municipality, department=c.department, role=role
            )
    device_for(c.applicant)  # its roles require a second factor, as every token user's do there
    _token, text = issue_api_token(acting_user=SYSTEM, user=c.applicant, name="schemathesis")
    return text


# Loading the schema reads no database, so it can happen when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
