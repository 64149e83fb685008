"""Two approvers deciding the same application at the same moment: one wins, the other gets a conflict."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from kumokan.applications import actions
from kumokan.applications.choices import Outcome, Status
from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f
from kumokan.errors import ConflictError
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.choices import Role


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_leave_exactly_one() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite cannot lock rows (select_for_update is a no-op there); this runs on PostgreSQL")
    c = f.city("kobe")
    second = f.member(c.municipality, Role.SECURITY_MANAGER)
    application = f.submitted(c)
    version = f.fresh(application).version
    start = threading.Barrier(2)
    results: dict[str, Any] = {}

    def decide(name: str, user: Any, outcome: Outcome) -> None:
        try:
            start.wait()
            results[name] = actions.decide(
                acting_user=user,
                application=application,
                outcome=outcome,
                reason="" if outcome == Outcome.APPROVED else "同時に却下",
                expected_version=version,
            )
        except Exception as exc:  # the test inspects what each thread got
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("approve", c.security_manager, Outcome.APPROVED)),
        threading.Thread(target=decide, args=("reject", second, Outcome.REJECTED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["ConflictError", "Decision"]
    assert Decision.objects.filter(application=application).count() == 1
    winner = next(r for r in results.values() if isinstance(r, Decision))
    loser = next(r for r in results.values() if isinstance(r, ConflictError))
    assert "他の人" in loser.ja
    assert f.fresh(application).status == (
        Status.APPROVED if winner.outcome == Outcome.APPROVED else Status.REJECTED
    )
    assert LedgerEntry.objects.filter(application=application).count() == (
        1 if winner.outcome == Outcome.APPROVED else 0
    )
