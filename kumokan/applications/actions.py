"""Every state change of an application, from draft to decision (the table is workflow.TRANSITIONS).

Each action locks the application row, checks who acts and the current state (and `expected_version`
when given), saves, writes its audit row in the same transaction, and notifies people on commit.
Refusals: django.core.exceptions.PermissionDenied (wrong person), kumokan.errors.WorkflowError (wrong
state or input; ConflictError when someone else changed the application first) and
kumokan.policy.FactsError (facts the engine rejects, one Problem per key).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kumokan.applications import routing
from kumokan.applications.choices import Answer, Outcome, Status, Step
from kumokan.applications.judging import Judged, judge_facts, new_snapshot, store_judgments
from kumokan.applications.models import (
    EXPLANATION_MAX_LENGTH,
    Application,
    ChecklistAnswer,
    Decision,
    FindingExplanation,
    JudgmentSnapshot,
    explanations_by_finding,
    finding_packs,
)
from kumokan.applications.signals import application_approved
from kumokan.applications.workflow import Transition, transition
from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.catalog.actions.services import find_or_register_service
from kumokan.core.actors import Actor, display_name, signed_in
from kumokan.core.answers import finding_key, pack_item_key
from kumokan.core.private_files import keep
from kumokan.errors import CHOICES, ConflictError, WorkflowError, check_version, in_both, joined
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.policy.pack import Phase, Response
from kumokan.tenancy.actions import ensure_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Municipality
from kumokan.tenancy.vocabulary import in_sentence, word
from kumokan.webhooks.choices import EventType
from kumokan.webhooks.events import emit

# What create_draft takes and update_draft may change, besides the facts.
TEXT_FIELDS = ("business_scope", "user_scope_detail", "notes")
DATE_FIELDS = ("period_start", "period_end")
EDITABLE_FIELDS = ("facts", *TEXT_FIELDS, *DATE_FIELDS)
# Answers allowed for each kind of item (pack.Response).
ANSWERS_FOR = {
    Response.CONFIRM: (Answer.CONFORMS, Answer.DOES_NOT_CONFORM, Answer.NOT_APPLICABLE),
    Response.ACCEPT_OR_MITIGATE: (Answer.ACCEPTED, Answer.MITIGATED),
}
# Answers that must say why: a gap, or a risk accepted or reduced.
NOTE_REQUIRED = (Answer.DOES_NOT_CONFORM, Answer.ACCEPTED, Answer.MITIGATED)
_DECISION_STEPS = {
    Outcome.APPROVED: Step.APPROVE,
    Outcome.REJECTED: Step.REJECT,
    Outcome.RETURNED: Step.RETURN,
}
_DECISION_ACTIONS = {
    Outcome.APPROVED: Action.APPLICATION_APPROVE,
    Outcome.REJECTED: Action.APPLICATION_REJECT,
    Outcome.RETURNED: Action.APPLICATION_RETURN,
}
# What the city's other systems hear of a decision (a returned application is not decided yet).
_DECISION_EVENTS = {
    Outcome.APPROVED: EventType.APPLICATION_APPROVED,
    Outcome.REJECTED: EventType.APPLICATION_REJECTED,
}
_AUDITED = ("status", "version", "service", "facts", *TEXT_FIELDS, *DATE_FIELDS)
_ANSWER_STATE = ("answer", "note", "evidence")


# ── drafting ────────────────────────────────────────────────────────────────


@transaction.atomic
def create_draft(
    *,
    acting_user: Actor,
    municipality: Municipality,
    department: Department,
    facts: dict[str, Any],
    business_scope: str = "",
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    user_scope_detail: str = "",
    notes: str = "",
) -> Application:
    """Start an application in `department`: judges the facts and stores the first JudgmentSnapshot."""
    if department.municipality_id != municipality.pk:
        raise WorkflowError(
            gettext_lazy("the department belongs to another municipality"),
            code="department",
        )
    judged = judge_facts(municipality, facts)
    # Otherwise a contractor's submission of the requirement sheet (Kobe §5.3), if its role allows it.
    by_contractor = not routing.may_apply(acting_user, department, judged.judgment) and routing.may_apply(
        acting_user, department, judged.judgment, contractor=True
    )
    routing.check_may_apply(acting_user, department, judged.judgment, contractor=by_contractor)
    _check_period(period_start, period_end)
    application = Application.objects.create(
        municipality=municipality,
        department=department,
        applicant=signed_in(acting_user),
        submitted_by_contractor=by_contractor,
        service=_service(acting_user, municipality, judged),
        facts=judged.facts,
        business_scope=business_scope.strip(),
        period_start=period_start,
        period_end=period_end,
        user_scope_detail=user_scope_detail.strip(),
        notes=notes.strip(),
    )
    snapshot = _store_snapshot(application, judged)
    record(
        acting_user,
        Action.APPLICATION_CREATE_DRAFT,
        application,
        None,
        _state(application)
        | {"department": department.pk, "snapshot": snapshot.pk, "submitted_by_contractor": by_contractor},
    )
    return application


@transaction.atomic
def update_draft(
    *,
    acting_user: Actor,
    application: Application,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Application:
    """Change a draft (or a returned application): any of EDITABLE_FIELDS.

    New facts are judged again and stored as a new JudgmentSnapshot when they differ.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise WorkflowError(
            gettext_lazy("these fields cannot be edited: %(names)s"),
            code="field",
            params={"names": names},
        )
    locked = _lock(application, expected_version)
    _require_applicant(acting_user, locked)
    transition(locked.status, Step.EDIT)
    before = _state(locked)
    changed: list[str] = []
    judged: Judged | None = None
    if "facts" in changes:
        judged = judge_facts(locked.municipality, changes["facts"])
        if judged.facts != locked.facts:
            routing.check_may_apply(
                acting_user, locked.department, judged.judgment, contractor=locked.submitted_by_contractor
            )
            locked.facts = judged.facts
            locked.service = _service(acting_user, locked.municipality, judged)
            changed += ["facts", "service"]
        else:
            judged = None
    for name in TEXT_FIELDS:
        if name in changes and (changes[name] or "").strip() != getattr(locked, name):
            setattr(locked, name, (changes[name] or "").strip())
            changed.append(name)
    for name in DATE_FIELDS:
        if name in changes and changes[name] != getattr(locked, name):
            setattr(locked, name, changes[name])
            changed.append(name)
    if not changed:
        raise WorkflowError(
            gettext_lazy("nothing was changed"),
            code="unchanged",
        )
    _check_period(locked.period_start, locked.period_end)
    _save(locked, *changed)
    after = _state(locked)
    if judged is not None:
        after["snapshot"] = _store_snapshot(locked, judged).pk
    record(acting_user, Action.APPLICATION_UPDATE_DRAFT, locked, _diff(before, after), _diff(after, before))
    return locked


@dataclass(frozen=True)
class ItemAnswer:
    """One answer for answer_items: to the item `item_id` of pack `pack_id` in the current judgment."""

    pack_id: str
    item_id: str
    answer: str
    note: str = ""
    evidence: File[Any] | None = None


def answer_item(
    *,
    acting_user: Actor,
    application: Application,
    pack_id: str,
    item_id: str,
    answer: str,
    note: str = "",
    evidence: File[Any] | None = None,
    expected_version: int | None = None,
) -> ChecklistAnswer:
    """Answer one checklist item of the current judgment (again, to change the answer).

    The applicant answers while drafting; after approval the service manager answers the items of the
    later phases (procurement, build, operation, termination). `evidence` replaces any earlier file.
    """
    [saved] = answer_items(
        acting_user=acting_user,
        application=application,
        answers=[ItemAnswer(pack_id, item_id, answer, note, evidence)],
        expected_version=expected_version,
    )
    return saved


@transaction.atomic
def answer_items(
    *,
    acting_user: Actor,
    application: Application,
    answers: Iterable[ItemAnswer],
    expected_version: int | None = None,
) -> list[ChecklistAnswer]:
    """Answer several items at once (a whole checklist form) as answer_item would, in one version step.

    Answers equal to the recorded ones are skipped; refused if nothing changes. One audit row on the
    application keeps every answer written, keyed "pack:item", before and after.
    """
    locked = _lock(application, expected_version)
    snapshot = _current(locked)
    recorded = {(a.pack_id, a.item_id): a for a in ChecklistAnswer.objects.filter(application=locked)}
    written: list[ChecklistAnswer] = []
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for given in answers:
        key = pack_item_key(given.pack_id, given.item_id)
        existing = recorded.get((given.pack_id, given.item_id))
        previous = state_of(existing, *_ANSWER_STATE) if existing else None
        target = _write_answer(acting_user, locked, snapshot, existing, given)
        if target is not None:
            written.append(target)
            before[key] = previous
            after[key] = state_of(target, *_ANSWER_STATE)
    if not written:
        raise WorkflowError(
            gettext_lazy("the answer is unchanged"),
            code="unchanged",
        )
    before["version"] = locked.version
    _save(locked)
    after["version"] = locked.version
    record(acting_user, Action.APPLICATION_ANSWER_ITEM, locked, before, after)
    return written


def _write_answer(
    acting_user: Actor,
    locked: Application,
    snapshot: JudgmentSnapshot,
    existing: ChecklistAnswer | None,
    given: ItemAnswer,
) -> ChecklistAnswer | None:
    """Check and save one answer; None when it equals the recorded one."""
    item = snapshot.item(given.pack_id, given.item_id)
    if item is None:
        raise WorkflowError(
            gettext_lazy("item %(pack_id)s:%(item_id)s is not in this application's judgment"),
            code="unknown_item",
            params={"item_id": given.item_id, "pack_id": given.pack_id},
        )
    _require_answerer(acting_user, locked, item)
    allowed = ANSWERS_FOR[Response(item["response"])]
    if given.answer not in allowed:
        raise WorkflowError(
            gettext_lazy("answer this item with one of %(answers)s"),
            code="answer",
            params={"answers": joined((a.label for a in allowed), CHOICES)},
        )
    note = _capped(given.note.strip())
    if given.answer in NOTE_REQUIRED and not note:
        raise WorkflowError(
            gettext_lazy("explain an answer of %(answer)s"),
            code="note_required",
            params={"answer": Answer(given.answer).label},
        )
    if existing and existing.answer == given.answer and existing.note == note and given.evidence is None:
        return None
    target = existing or ChecklistAnswer(application=locked, pack_id=given.pack_id, item_id=given.item_id)
    target.answer = given.answer
    target.note = note
    target.mark_answered(signed_in(acting_user))
    if given.evidence is not None:
        target.evidence_name = keep(target.evidence, given.evidence, default="evidence")
    target.save()
    return target


def _capped(explanation: str) -> str:
    """The explanation, refused when longer than EXPLANATION_MAX_LENGTH characters."""
    if len(explanation) > EXPLANATION_MAX_LENGTH:
        raise WorkflowError(
            gettext_lazy("an explanation may have at most %(limit)s characters (this one has %(length)s)"),
            code="too_long",
            params={"limit": EXPLANATION_MAX_LENGTH, "length": len(explanation)},
        )
    return explanation


@transaction.atomic
def explain_finding(
    *,
    acting_user: Actor,
    application: Application,
    pack_id: str,
    code: str,
    explanation: str,
    expected_version: int | None = None,
) -> FindingExplanation:
    """Record (or change) the applicant's explanation of one finding of the current judgment."""
    locked = _lock(application, expected_version)
    _require_applicant(acting_user, locked)
    transition(locked.status, Step.EDIT)
    snapshot = _current(locked)
    finding = next((f for f in snapshot.findings() if f["pack"] == pack_id and f["code"] == code), None)
    if finding is None:
        raise WorkflowError(
            gettext_lazy("finding %(pack_id)s:%(code)s is not in this application's judgment"),
            code="unknown_finding",
            params={"code": code, "pack_id": pack_id},
        )
    explanation = _capped(explanation.strip())
    if not explanation:
        raise WorkflowError(
            gettext_lazy("give an explanation"),
            code="explanation_required",
        )
    existing = FindingExplanation.objects.filter(application=locked, pack_id=pack_id, code=code).first()
    if existing and existing.explanation == explanation and existing.answers(finding):
        raise WorkflowError(
            gettext_lazy("the explanation is unchanged"),
            code="unchanged",
        )
    before = state_of(existing, "packs", "explanation") if existing else None
    target = existing or FindingExplanation(application=locked, pack_id=pack_id, code=code)
    # The packs of the finding as judged now: a finding merged later with another pack's is not answered.
    target.packs = finding_packs(finding)
    target.explanation = explanation
    target.explained_by = signed_in(acting_user)
    target.explained_at = timezone.now()
    target.save()
    _save(locked)
    record(
        acting_user,
        Action.APPLICATION_EXPLAIN_FINDING,
        target,
        before,
        state_of(target, "pack_id", "code", "packs", "explanation") | {"version": locked.version},
        municipality=locked.municipality,
    )
    return target


# ── submitting ──────────────────────────────────────────────────────────────


def submission_problems(
    application: Application, snapshot: JudgmentSnapshot | None = None
) -> list[WorkflowError]:
    """Everything that stops this application from being submitted under `snapshot` (default: current).

    Empty when it may be submitted. A view can show these before the applicant presses 申請.
    """
    snapshot = snapshot or _current(application)
    municipality = application.municipality
    problems: list[WorkflowError] = []
    if snapshot.approver_role is None and not application.submitted_by_contractor:
        problems.append(
            WorkflowError(
                gettext_lazy(
                    "no approver is configured for this track: an administrator must set the municipality's "
                    "approver (title and role) before applications can be submitted"
                ),
                code="approver_not_configured",
            )
        )
    elif not routing.approvers(application, snapshot).exists():
        title = routing.decider_title(application, snapshot)
        problems.append(
            WorkflowError(
                gettext_lazy("nobody holds the approver role (%(title)s) for this application"),
                code="no_approver",
                params={"title": title},
            )
        )
    if not routing.may_apply(
        application.applicant,
        application.department,
        snapshot.judgment,
        contractor=application.submitted_by_contractor,
    ):
        problems.append(routing.not_the_applicant(application.department, snapshot.judgment))
    workflow = municipality.pack().pack.workflow
    one_function = workflow.one_application_per_function
    if (
        one_function is not None
        and workflow.one_application_per_function_track in ("any", snapshot.judgment["track"])
        and len(application.functions) > 1
    ):
        problems.append(
            WorkflowError(
                gettext_lazy(
                    "apply for exactly one function per application (%(clause)s); this one names %(count)s"
                ),
                code="one_function",
                params={"count": len(application.functions), "clause": one_function.clause},
            )
        )
    for finding in unexplained_findings(application, snapshot):
        problems.append(
            WorkflowError(
                gettext_lazy("a blocking finding has no explanation: %(finding)s"),
                code="unexplained_finding",
                params={"finding": in_both(finding["message"], finding.get("message_en") or finding["code"])},
            )
        )
    missing = unanswered_items(application, snapshot, Phase.SELECTION)
    if missing:
        problems.append(
            WorkflowError(
                gettext_lazy("%(count)s selection checklist items are unanswered"),
                code="unanswered_items",
                params={"count": len(missing)},
            )
        )
    return problems


def findings_to_explain(snapshot: JudgmentSnapshot) -> list[dict[str, Any]]:
    """The blocking findings the applicant explains before submitting (a missing approver is the city's)."""
    return [f for f in snapshot.findings("block") if f["code"] != "approver_not_configured"]


def unexplained_findings(
    application: Application, snapshot: JudgmentSnapshot | None = None
) -> list[dict[str, Any]]:
    """The findings to explain that have no explanation yet."""
    snapshot = snapshot or _current(application)
    explained = explanations_by_finding(application, snapshot)
    return [f for f in findings_to_explain(snapshot) if finding_key(f) not in explained]


def unanswered_items(
    application: Application, snapshot: JudgmentSnapshot | None = None, phase: str | None = None
) -> list[dict[str, Any]]:
    """The judgment's items (of one phase, if given) that have no valid answer yet."""
    snapshot = snapshot or _current(application)
    answers = {(a.pack_id, a.item_id): a.answer for a in application.answers.all()}
    return [
        item
        for item in snapshot.items(phase)
        if answers.get((item["pack"], item["id"])) not in ANSWERS_FOR[Response(item["response"])]
    ]


@transaction.atomic
def submit(
    *, acting_user: Actor, application: Application, expected_version: int | None = None
) -> Application:
    """下書き → 審査中 (or, where the pack says the applicant approves their own use, → 承認 at once)."""
    locked = _lock(application, expected_version)
    _require_applicant(acting_user, locked)
    return _submit(acting_user, locked, transition(locked.status, Step.SUBMIT), Action.APPLICATION_SUBMIT)


@transaction.atomic
def resubmit(
    *, acting_user: Actor, application: Application, expected_version: int | None = None
) -> Application:
    """差戻し → 審査中, with the same checks as the first submission."""
    locked = _lock(application, expected_version)
    _require_applicant(acting_user, locked)
    return _submit(acting_user, locked, transition(locked.status, Step.RESUBMIT), Action.APPLICATION_RESUBMIT)


@transaction.atomic
def withdraw(
    *, acting_user: Actor, application: Application, reason: str = "", expected_version: int | None = None
) -> Application:
    """The applicant withdraws a draft, a submitted or a returned application (取下げ, final)."""
    locked = _lock(application, expected_version)
    _require_applicant(acting_user, locked)
    move = transition(locked.status, Step.WITHDRAW)
    was_submitted = locked.status == Status.SUBMITTED
    before = state_of(locked, "status", "version")
    locked.status = move.target
    _save(locked, "status")
    record(
        acting_user,
        Action.APPLICATION_WITHDRAW,
        locked,
        before,
        state_of(locked, "status", "version") | {"reason": reason.strip()},
    )
    if was_submitted:
        notify(
            routing.approvers(locked, _current(locked)),
            Message(
                gettext_noop("%(who)s withdrew the application to use %(service)s. %(reason)s"),
                {"who": display_name(acting_user), "service": locked.service, "reason": reason.strip()},
            ),
            locked.get_absolute_url(),
            municipality=locked.municipality,
            verb=Verb.WITHDRAWN,
        )
    return locked


def _submit(acting_user: Actor, locked: Application, move: Transition, action: Action) -> Application:
    snapshot = _rejudge(locked)
    problems = submission_problems(locked, snapshot)
    if problems:
        raise WorkflowError(
            gettext_lazy("cannot submit: %(reasons)s"),
            code="not_ready",
            params={"reasons": joined(p.text for p in problems)},
            details=tuple(problems),
        )
    before = state_of(locked, "status", "version")
    locked.status = move.target
    locked.submitted_at = timezone.now()
    _save(locked, "status", "submitted_at")
    record(
        acting_user, action, locked, before, state_of(locked, "status", "version") | {"snapshot": snapshot.pk}
    )
    if routing.approves_itself(locked, snapshot):
        # Kobe §5.2.2②: with no information of 機密性2 or above the applicant approves their own use.
        _decide(acting_user, locked, snapshot, Outcome.APPROVED, "", None, self_approval=True)
    else:
        notify(
            routing.approvers(locked, snapshot),
            Message(
                gettext_noop("%(who)s (%(department)s) applied to use %(service)s."),
                {
                    "who": display_name(acting_user),
                    "department": locked.department,
                    "service": locked.service,
                },
            ),
            locked.get_absolute_url(),
            municipality=locked.municipality,
            verb=Verb.SUBMITTED,
        )
    return locked


# ── deciding ────────────────────────────────────────────────────────────────


def decide(
    *,
    acting_user: Actor,
    application: Application,
    outcome: str,
    reason: str = "",
    expected_version: int,
    service_manager: Any | None = None,
) -> Decision:
    """The approver approves, rejects or returns a submitted application (reason required unless approving).

    `expected_version` is the version the approver looked at: if someone changed or decided the
    application since, ConflictError. On approval the service manager is designated by the pack's rule
    (`service_manager` names the person where the approver designates one) and the ledger entry created.
    """
    if outcome not in Outcome.values:
        raise WorkflowError(
            gettext_lazy("unknown outcome %(outcome)s"), code="outcome", params={"outcome": outcome}
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        snapshot = locked.judgment
        if snapshot is None or not routing.may_decide(acting_user, locked, snapshot):
            raise PermissionDenied(_("You may not decide this application."))
        _check_version(locked, expected_version)
        return _decide(acting_user, locked, snapshot, Outcome(outcome), reason, service_manager)


def _decide(
    acting_user: Actor,
    locked: Application,
    snapshot: JudgmentSnapshot,
    outcome: Outcome,
    reason: str,
    named_manager: Any | None,
    *,
    self_approval: bool = False,
) -> Decision:
    move = transition(locked.status, _DECISION_STEPS[outcome])
    reason = reason.strip()
    if outcome != Outcome.APPROVED and not reason:
        raise WorkflowError(
            gettext_lazy("give a reason to mark it %(outcome)s"),
            code="reason_required",
            params={"outcome": outcome.label},
        )
    if outcome != Outcome.APPROVED and named_manager is not None:
        raise WorkflowError(
            gettext_lazy("a %(service_manager)s is named only on approval"),
            code="manager_not_expected",
            params=in_sentence(locked.municipality),
        )
    manager = (
        routing.service_manager_for(locked, snapshot, acting_user, named_manager)
        if outcome == Outcome.APPROVED
        else None
    )
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                application=locked,
                outcome=outcome,
                reason=reason,
                decided_by=signed_in(acting_user),
                self_approval=self_approval,
                approver_title=routing.decider_title(locked, snapshot),
                application_version=locked.version,
                snapshot=snapshot,
            )
    except IntegrityError as exc:
        raise ConflictError(
            gettext_lazy("someone else has already decided this application"),
        ) from exc
    before = state_of(locked, "status", "version")
    locked.status = move.target
    _save(locked, "status")
    after = state_of(locked, "status", "version") | {
        "decision": decision.pk,
        "outcome": outcome.value,
        "reason": reason,
        "self_approval": self_approval,
        "service_manager": manager.pk if manager else None,
    }
    record(acting_user, _DECISION_ACTIONS[outcome], locked, before, after)
    url = locked.get_absolute_url()
    applicant = [locked.applicant] if locked.applicant_id != acting_user.pk else []
    if outcome == Outcome.APPROVED:
        assert manager is not None  # every approval names its service manager (above)
        ensure_membership(
            acting_user=acting_user,
            user=manager,
            municipality=locked.municipality,
            role=Role.SERVICE_MANAGER,
            department=locked.department,
        )
        # The one receiver returns the ledger entry it registered (kumokan.ledger, a layer above that this
        # one cannot name), which django-stubs would type as str | None.
        registered: list[tuple[Any, Any]] = application_approved.send(
            sender=Application,
            acting_user=acting_user,
            application=locked,
            decision=decision,
            snapshot=snapshot,
            service_manager=manager,
        )
        [(_receiver, entry)] = registered
        notify(
            applicant,
            Message(
                gettext_noop("The application to use %(service)s was approved (%(approver)s)."),
                {"service": locked.service, "approver": decision.approver_title},
            ),
            url,
            municipality=locked.municipality,
            verb=Verb.APPROVED,
        )
        if manager.pk != acting_user.pk:
            notify(
                [manager],
                Message(
                    gettext_noop("You are designated %(manager)s of %(service)s."),
                    {"manager": word(locked.municipality, "service_manager"), "service": locked.service},
                ),
                entry.get_absolute_url(),
                municipality=locked.municipality,
                verb=Verb.DESIGNATED,
            )
    else:
        verb = Verb.REJECTED if outcome == Outcome.REJECTED else Verb.RETURNED
        notify(
            applicant,
            Message(
                gettext_noop("The application to use %(service)s was rejected. Reason: %(reason)s")
                if outcome == Outcome.REJECTED
                else gettext_noop("The application to use %(service)s was returned. Reason: %(reason)s"),
                {"service": locked.service, "reason": reason},
            ),
            url,
            municipality=locked.municipality,
            verb=verb,
        )
    if outcome in _DECISION_EVENTS:
        emit(_DECISION_EVENTS[outcome], locked.municipality, decision)
    return decision


# ── helpers ─────────────────────────────────────────────────────────────────


def _lock(application: Application, expected_version: int | None) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _check_version(locked, expected_version)
    return locked


def _check_version(locked: Application, expected_version: int | None) -> None:
    check_version(gettext_lazy("application"), locked.version, expected_version)


def _require_applicant(acting_user: Actor, application: Application) -> None:
    if not acting_user.is_authenticated or acting_user.pk != application.applicant_id:
        raise PermissionDenied(_("Only the applicant can do this."))


def _require_answerer(acting_user: Actor, application: Application, item: dict[str, Any]) -> None:
    """Drafting: the applicant, any item. Approved: the service manager, items after selection."""
    if application.status == Status.APPROVED and item["phase"] != Phase.SELECTION:
        entry = getattr(application, "ledger_entry", None)
        if entry is None or entry.service_manager_id != acting_user.pk:
            raise PermissionDenied(
                _("After approval, only the %(service_manager)s answers the checklist items.")
                % in_sentence(application.municipality)
            )
        return
    _require_applicant(acting_user, application)
    transition(application.status, Step.EDIT)


def _current(application: Application) -> JudgmentSnapshot:
    snapshot = application.judgment
    if snapshot is None:
        raise WorkflowError(
            gettext_lazy("the application has no judgment"),
            code="no_judgment",
        )
    return snapshot


def _rejudge(locked: Application) -> JudgmentSnapshot:
    """The judgment under today's packs and settings: a new snapshot if it differs from the current one."""
    judged = judge_facts(locked.municipality, locked.facts)
    current = locked.judgment
    if (
        current is not None
        and current.judgment == judged.judgment
        and current.approver_role == judged.approver_role
    ):
        return current
    return _store_snapshot(locked, judged)


def _store_snapshot(application: Application, judged: Judged) -> JudgmentSnapshot:
    [document] = store_judgments(application.municipality, [judged.judgment])
    snapshot = new_snapshot(application, judged, document)
    snapshot.save()
    return snapshot


def _service(acting_user: Actor, municipality: Municipality, judged: Judged) -> Any:
    return find_or_register_service(
        acting_user=acting_user,
        municipality=municipality,
        provider_name=judged.facts["provider"],
        service_name=judged.facts["service_name"],
        function_name=judged.function_name,
        service_model=judged.facts["service_model"],
    )


def _save(locked: Application, *fields: str) -> None:
    """Save the changed fields with a new version (every change does, so decisions name what they saw)."""
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*fields, "version", "updated_at"])


def _check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise WorkflowError(
            gettext_lazy("the period of use ends before it starts"),
            code="period",
        )


def _state(application: Application) -> dict[str, Any]:
    return state_of(application, *_AUDITED)


def _diff(one: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """The entries of `one` that differ in `other` (the audit keeps only what changed)."""
    return {key: value for key, value in one.items() if other.get(key) != value}
