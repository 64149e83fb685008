"""Every application action writes its audit row, with the state before and after, in its transaction."""

from __future__ import annotations

import pytest

from kumokan.applications import actions
from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError

pytestmark = pytest.mark.django_db


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def test_create_draft_is_audited_with_the_new_state() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    event = last("application.create_draft")
    assert (event.actor, event.actor_name) == (c.applicant, "申請 花子")
    assert event.municipality == c.municipality
    assert (event.target_type, event.target_id) == ("applications.application", str(application.pk))
    assert event.before is None
    assert event.after["status"] == "draft"
    assert event.after["snapshot"] == application.judgment.pk


def test_a_new_provider_and_service_are_audited() -> None:
    c = f.city("kobe")
    f.draft(c)
    assert last("provider.create").after == {"name": "株式会社クラウド自治"}
    assert last("service.create").after["name"] == "電子申請サービス"


def test_update_draft_is_audited_with_only_what_changed() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    actions.update_draft(acting_user=c.applicant, application=application, changes={"notes": "追記"})
    event = last("application.update_draft")
    assert event.before == {"notes": "", "version": 1}
    assert event.after == {"notes": "追記", "version": 2}


def test_answer_item_is_audited_on_the_application_keyed_by_item() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    item = application.judgment.items("selection")[0]
    actions.answer_item(
        acting_user=c.applicant,
        application=application,
        pack_id="kobe",
        item_id=item["id"],
        answer="conforms",
    )
    event = last("application.answer_item")
    assert (event.target_type, event.target_id) == ("applications.application", str(application.pk))
    key = f"kobe:{item['id']}"
    assert event.before == {key: None, "version": 1}
    assert event.after == {key: {"answer": "conforms", "note": "", "evidence": None}, "version": 2}


def test_answering_a_whole_checklist_is_one_audit_row() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    f.answer_all(application)
    event = last("application.answer_item")
    items = application.judgment.items("selection")
    assert len(event.after) == len(items) + 1
    assert AuditEvent.objects.filter(action="application.answer_item").count() == 1


def test_explain_finding_is_audited() -> None:
    c = f.city("kobe")
    application = f.draft(c, required_clauses_present=False)
    f.explain_blocking(application)
    event = last("application.explain_finding")
    assert event.after["code"] == "required_clauses_missing"
    assert event.after["explanation"]


def test_submit_is_audited_with_the_status_change() -> None:
    c = f.city("kobe")
    f.submitted(c)
    event = last("application.submit")
    assert event.before["status"] == "draft"
    assert event.after["status"] == "submitted"


@pytest.mark.parametrize(
    ("outcome", "action"),
    [
        (Outcome.APPROVED, "application.approve"),
        (Outcome.REJECTED, "application.reject"),
        (Outcome.RETURNED, "application.return"),
    ],
)
def test_each_decision_is_audited_with_its_reason(outcome: Outcome, action: str) -> None:
    c = f.city("kobe")
    application = f.decided(c, outcome, reason="" if outcome == Outcome.APPROVED else "理由あり")
    event = last(action)
    assert event.actor == c.security_manager
    assert event.before["status"] == "submitted"
    assert event.after["status"] == outcome.value
    assert event.after["decision"] == application.decisions.get().pk
    assert event.after["reason"] == ("" if outcome == Outcome.APPROVED else "理由あり")


def test_approval_audits_the_ledger_registration_and_the_managers_role() -> None:
    c = f.city("amagasaki")
    application = f.decided(c, Outcome.APPROVED)
    register = last("ledger.register")
    assert register.after["application"] == application.pk
    assert register.after["service_manager"] == c.head.pk
    grant = last("membership.grant")
    assert grant.after == {"user": c.head.pk, "department": c.department.pk, "role": "service_manager"}


def test_resubmit_and_withdraw_are_audited() -> None:
    c = f.city("kobe")
    application = f.decided(c, Outcome.RETURNED)
    actions.resubmit(acting_user=c.applicant, application=application)
    assert last("application.resubmit").after["status"] == "submitted"
    actions.withdraw(acting_user=c.applicant, application=application, reason="事業中止")
    event = last("application.withdraw")
    assert event.before["status"] == "submitted"
    assert event.after == {"status": "withdrawn", "version": event.after["version"], "reason": "事業中止"}


def test_a_refused_action_leaves_no_audit_row() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    count = AuditEvent.objects.count()
    with pytest.raises(WorkflowError):
        actions.submit(acting_user=c.applicant, application=application)
    assert AuditEvent.objects.count() == count
