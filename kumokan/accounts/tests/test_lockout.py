"""Login throttling (django-axes): a username is locked after 5 wrong passwords; an administrator unlocks it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client

from kumokan.accounts.actions import unlock_account
from kumokan.accounts.tests.conftest import PASSWORD, sign_in
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.errors import WorkflowError


def lock_out(client: Client, username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong password, again")


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client: Client, person) -> None:
    person("tanaka")
    lock_out(client, "tanaka")

    response = sign_in(client, "tanaka")

    assert response.status_code == 429
    html = response.content.decode()
    assert "アカウントがロックされました" in html
    assert "システム管理者" in html
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_do_not_lock(client: Client, person) -> None:
    person("tanaka")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "tanaka", "wrong password, again")

    response = sign_in(client, "tanaka")

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_an_administrator_unlocks_the_account_and_it_is_audited(client: Client, person) -> None:
    person("tanaka")
    admin = get_user_model().objects.create_superuser("admin", password=PASSWORD)
    lock_out(client, "tanaka")

    unlock_account(acting_user=admin, username="tanaka")

    assert sign_in(client, "tanaka").status_code == 302
    event = AuditEvent.objects.get(action=Action.ACCOUNT_UNLOCK)
    assert event.actor == admin
    assert event.target_repr == "tanaka"


def test_unlocking_from_the_admin_page(client: Client, person) -> None:
    person("tanaka")
    lock_out(Client(), "tanaka")
    admin = get_user_model().objects.create_superuser("admin", password=PASSWORD)
    client.force_login(admin)

    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock", "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True))},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="tanaka").exists()
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_UNLOCK).count() == 1


def test_a_non_administrator_cannot_unlock(person) -> None:
    person("tanaka")
    clerk = person("clerk", "staff")

    with pytest.raises(WorkflowError):
        unlock_account(acting_user=clerk, username="tanaka")


def test_kumokan_itself_cannot_unlock(client: Client, person) -> None:
    # SYSTEM holds no permission to ask about: a clear refusal, not an AttributeError (it used to be).
    person("tanaka")
    lock_out(client, "tanaka")

    with pytest.raises(PermissionDenied):
        unlock_account(acting_user=SYSTEM, username="tanaka")
    assert AccessAttempt.objects.filter(username="tanaka").exists()
