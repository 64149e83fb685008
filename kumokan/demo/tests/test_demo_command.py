"""`manage.py demo CITY`: every state of the journey, the logins the contract promises, and no duplicates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kumokan.applications.choices import Status
from kumokan.applications.models import Application, Decision
from kumokan.audit.models import AuditEvent
from kumokan.catalog.models import CloudService, Provider
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerChange, LedgerEntry
from kumokan.tenancy.access import has_role
from kumokan.tenancy.models import Department, Membership, Municipality

pytestmark = pytest.mark.django_db

# The role the pack gives each city's high-track approver (Osaka's is the demo's configured setting).
APPROVER_ROLE = {
    "kobe": "security_manager",
    "kitakyushu": "chief",
    "osaka": "approver",
    "amagasaki": "approver",
}
LOGINS = ("applicant", "approver", "head", "secmgr", "chief", "manager", "sysdept", "auditor", "admin")


def run(city: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KUMOKAN_DEMO_PASSWORD", "demo-pass-123")
    out = StringIO()
    call_command("demo", city, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        Municipality,
        Department,
        Membership,
        Provider,
        CloudService,
        Application,
        Decision,
        LedgerEntry,
        LedgerChange,
        AuditEvent,
        get_user_model(),
    )
    return {model.__name__: model.objects.count() for model in models}


# One test per city because loading a city takes seconds: it checks the journey the demo shows.
@pytest.mark.parametrize("city", sorted(APPROVER_ROLE))
def test_each_citys_demo_shows_the_whole_journey_made_through_the_actions(
    city: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(city, monkeypatch)
    municipality = Municipality.objects.get(slug=city)
    assert Application.objects.count() >= 30
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(LedgerEntry.objects.values_list("status", flat=True)) == set(EntryStatus.values)
    assert LedgerChange.objects.exists()
    for action in (
        "application.submit",
        "application.approve",
        "application.reject",
        "application.return",
        "application.withdraw",
        "ledger.register",
        "ledger.edit",
        "ledger.suspend",
        "ledger.retire",
    ):
        assert AuditEvent.objects.filter(municipality=municipality, action=action).exists(), action
    # CONTRACT.md "Demo logins": `approver` decides the city's high-track applications.
    approver = get_user_model().objects.get(username="approver")
    assert has_role(approver, municipality, APPROVER_ROLE[city])
    high = Decision.objects.filter(snapshot__track="high", outcome="approved")
    assert set(high.values_list("decided_by__username", flat=True)) == {"approver"}


def test_running_the_demo_again_duplicates_nothing_and_prints_every_login(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("osaka", monkeypatch)
    before = counts()
    output = run("osaka", monkeypatch)
    assert counts() == before
    assert "サービス 0 件を作成" in output
    for username in LOGINS:
        assert f"  {username} " in output
    assert "demo-pass-123" in output
    assert "デモ用の設定" in output  # Osaka's approver is a demo setting, not the city's rule
    users = get_user_model().objects
    assert not users.filter(is_staff=True).exists()  # the Django admin is the site operator's (no dead end)
    assert users.get(username="applicant").check_password("demo-pass-123")


def test_two_cities_demos_in_one_database_share_no_account(monkeypatch: pytest.MonkeyPatch) -> None:
    run("kobe", monkeypatch)
    output = run("osaka", monkeypatch)
    run("osaka", monkeypatch)  # again: the same prefixed accounts, nothing new

    shared = [
        user.username
        for user in get_user_model().objects.all()
        if Membership.objects.filter(user=user).values("municipality").distinct().count() > 1
    ]
    assert shared == []
    assert "  osaka-applicant " in output and "  osaka-approver " in output
    osaka = Municipality.objects.get(slug="osaka")
    assert has_role(get_user_model().objects.get(username="osaka-approver"), osaka, APPROVER_ROLE["osaka"])
