"""The audit trail only grows: rows are never changed or deleted, and are written inside the action."""

from __future__ import annotations

import pytest

from kumokan.applications.tests import factories as f
from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def an_event() -> AuditEvent:
    c = f.city("kobe")
    f.draft(c)
    return AuditEvent.objects.filter(action="application.create_draft").get()


def test_an_audit_row_cannot_be_changed() -> None:
    event = an_event()
    event.actor_name = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_audit_row_cannot_be_deleted() -> None:
    event = an_event()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_audit_rows_cannot_be_updated_or_deleted_in_bulk() -> None:
    an_event()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction() -> None:
    c = f.city("kobe")
    with pytest.raises(RuntimeError):
        record(c.administrator, Action.DEPARTMENT_CREATE, c.department, None, {"name": "x"})


def test_every_action_has_a_japanese_label() -> None:
    assert all(label for label in Action.labels)
