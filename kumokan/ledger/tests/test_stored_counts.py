"""The ledger's stored counts (kumokan.ledger.counts) equal a fresh count after any sequence of the
ledger's actions; `manage.py recount_ledger` finds and repairs drift (issue 18, target 4)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumokan.applications.tests import factories as f
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.ledger.counts import recount
from kumokan.ledger.models import EntryCount, LedgerEntry
from kumokan.ledger.tests.test_status import take
from kumokan.ledger.workflow import steps_from
from kumokan.lifecycle.gates import check_entry_copies
from kumokan.lifecycle.tests.factories import entry as new_entry

pytestmark = pytest.mark.django_db

# An action: register a new entry (high or low track), or take the n-th possible step of the n-th entry.
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("register"), st.booleans(), st.just(0)),
        st.tuples(st.just("step"), st.integers(0, 20), st.integers(0, 3)),
    ),
    min_size=1,
    max_size=6,
)


def test_stored_counts_equal_a_fresh_count_after_any_actions() -> None:
    c = f.city()

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(actions=ACTIONS)
    def run(actions: list[tuple[str, int, int]]) -> None:
        for kind, first, second in actions:
            entries = list(LedgerEntry.objects.filter(municipality=c.municipality).order_by("pk"))
            if kind == "register" or not entries:
                new_entry(c, high=bool(first))
                continue
            entry = entries[first % len(entries)]
            steps = [s for s in steps_from(entry.status) if s != EntryStep.EDIT]
            if steps:
                take(c, entry, EntryStep(steps[second % len(steps)]))

        assert recount(repair=False) == {}
        # The tasks' and re-checks' copies of their entry's status followed every step.
        assert check_entry_copies(repair=False) == {}

    run()
    assert EntryCount.objects.filter(entries__gt=0).exists()


def test_the_dashboard_numbers_are_the_stored_ones(client) -> None:  # type: ignore[no-untyped-def]
    c = f.city()
    first = f.entry(c)
    take(c, first, EntryStep.START_OPERATION)
    f.entry(c)

    assert dict(
        EntryCount.objects.filter(municipality=c.municipality, entries__gt=0).values_list("status", "entries")
    ) == {EntryStatus.IN_OPERATION: 1, EntryStatus.APPROVED: 1}


def test_recount_ledger_finds_and_repairs_drift() -> None:
    c = f.city()
    f.entry(c)
    EntryCount.objects.filter(municipality=c.municipality).update(entries=7)
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("recount_ledger", "kobe", "--check", stdout=out)
    assert "stored 7, counted 1" in out.getvalue()
    assert EntryCount.objects.get(municipality=c.municipality).entries == 7  # --check repairs nothing

    call_command("recount_ledger", stdout=out)

    assert EntryCount.objects.get(municipality=c.municipality).entries == 1
    assert recount(repair=False) == {}
    call_command("recount_ledger", "--check", stdout=StringIO())  # nothing left to repair


def test_recount_ledger_refuses_an_unknown_municipality() -> None:
    with pytest.raises(CommandError, match="no municipality"):
        call_command("recount_ledger", "nowhere", stdout=StringIO())
