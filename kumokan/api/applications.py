"""Applications: list, read, draft, answer, submit and withdraw, through kumokan.applications.actions.

Each operation stands for a page of the application journey and needs the same capabilities
(kumokan.tenancy.permissions); objects come from kumokan.applications.access, as in the views.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from kumokan.api.access import municipality_for
from kumokan.api.auth import requires
from kumokan.api.errors import InvalidInput
from kumokan.api.idempotency import IdempotencyKey, create_once
from kumokan.api.inputs import FactsInput, Id, Required, Slug, Text, Version
from kumokan.api.pages import Changed, Page, Paging, paginate
from kumokan.api.schemas import StoredJudgment, errors
from kumokan.applications import actions
from kumokan.applications.access import application_for, applications_for, own_application
from kumokan.applications.choices import Answer, Party, Status, Step
from kumokan.applications.models import EXPLANATION_MAX_LENGTH, Application, JudgmentSnapshot
from kumokan.applications.routing import may_decide
from kumokan.applications.workflow import TRANSITIONS
from kumokan.core.actors import SignedInRequest, display_name
from kumokan.errors import as_typed, in_both, rendered
from kumokan.policy.tracks import TrackCode
from kumokan.tenancy.models import Department
from kumokan.tenancy.permissions import Capability

router = Router(tags=["applications"])

VIEW = (Capability.APPLY, Capability.VIEW_APPLICATIONS)
StatusValue = Literal["draft", "submitted", "returned", "approved", "rejected", "withdrawn"]
AnswerValue = Literal["conforms", "does_not_conform", "not_applicable", "accepted", "mitigated"]


class ApplicationSummary(Schema):
    id: int
    municipality: str
    department: str = Field(description="The department's code.")
    department_name: str
    applicant: str = Field(description="The applicant's username.")
    applicant_name: str
    service_id: int
    service_name: str
    function_name: str
    provider_name: str
    status: StatusValue
    status_label: str
    track: TrackCode | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    submitted_at: datetime.datetime | None


class AnswerOut(Schema):
    pack: str
    item: str
    answer: AnswerValue
    note: str
    evidence_name: str
    answered_by: str
    answered_at: datetime.datetime


class ExplanationOut(Schema):
    pack: str
    code: str
    explanation: str
    explained_by: str
    explained_at: datetime.datetime


class DecisionOut(Schema):
    id: int
    outcome: Literal["approved", "rejected", "returned"]
    outcome_label: str
    reason: str = Field(description="Why, in Japanese; a reason a person typed is as they typed it.")
    reason_en: str = Field(description="Why, in English; a reason a person typed is as they typed it.")
    decided_by: str
    decided_by_name: str
    decided_at: datetime.datetime
    self_approval: bool
    approver_title: str
    application_version: int


class Problem(Schema):
    code: str
    message: str
    message_en: str


class ApplicationDetail(ApplicationSummary):
    facts: dict[str, Any]
    business_scope: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    user_scope_detail: str
    notes: str = Field(
        description="In Japanese: the notes as typed, then the one kumokan gave (an import's file and row)."
    )
    notes_en: str = Field(
        description="In English: the notes as typed, then the one kumokan gave (an import's file and row)."
    )
    approver_title: str
    judgment: StoredJudgment
    answers: list[AnswerOut]
    explanations: list[ExplanationOut]
    decisions: list[DecisionOut]
    steps: list[str] = Field(
        description="The steps you may take now: edit, submit, resubmit, withdraw, decide."
    )
    submission_problems: list[Problem] = Field(
        description="What stops your draft from being submitted now (empty when it may be)."
    )
    ledger_entry: int | None


class ApplicationCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    municipality: Slug
    department: Slug = Field(description="The department's code.")
    facts: FactsInput
    business_scope: Text = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    user_scope_detail: Text = ""
    notes: Text = ""


class ApplicationUpdate(Schema):
    """Only the fields sent are changed; `facts` replaces the facts as a whole and is judged again."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    facts: FactsInput | None = None
    business_scope: Text | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    user_scope_detail: Text | None = None
    notes: Text | None = None


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Version
    pack: Slug
    item: Required = Field(max_length=100)
    answer: AnswerValue
    note: Text = Field("", max_length=EXPLANATION_MAX_LENGTH)


class ExplanationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Version
    pack: Slug
    code: Required = Field(max_length=100)
    explanation: Required = Field(max_length=EXPLANATION_MAX_LENGTH)


class VersionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Version


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Version
    reason: Text = ""


class ApplicationFilters(Paging, Changed):
    status: StatusValue | None = None
    municipality: Text | None = Field(None, max_length=50, description="A municipality's slug.")
    department: Text | None = Field(None, max_length=50, description="A department's code.")
    mine: bool = Field(False, description="Only your own applications.")


def summary_data(application: Application, track: str | None) -> dict[str, Any]:
    service = application.service
    return {
        "id": application.pk,
        "municipality": application.municipality.slug,
        "department": application.department.code,
        "department_name": application.department.name,
        "applicant": application.applicant.get_username(),
        "applicant_name": display_name(application.applicant),
        "service_id": service.pk,
        "service_name": service.name,
        "function_name": service.function_name,
        "provider_name": service.provider.name,
        "status": application.status,
        "status_label": str(Status(application.status).label),
        "track": track,
        "version": application.version,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
    }


def _steps(user: Any, application: Application, snapshot: JudgmentSnapshot | None) -> list[str]:
    """What the user may do now, by the workflow's table (and the routing's approver rule)."""
    steps: list[str] = []
    if user.pk == application.applicant_id:
        steps += [
            t.step.value for t in TRANSITIONS if t.source == application.status and t.party == Party.APPLICANT
        ]
    if (
        application.status == Status.SUBMITTED
        and snapshot is not None
        and may_decide(user, application, snapshot)
    ):
        steps.append("decide")
    return steps


def _detail(user: Any, application: Application) -> dict[str, Any]:
    snapshot = application.judgment
    steps = _steps(user, application, snapshot)
    problems = []
    if snapshot is not None and ({Step.SUBMIT.value, Step.RESUBMIT.value} & set(steps)):
        problems = [
            {"code": p.code, "message": p.ja, "message_en": p.en}
            for p in actions.submission_problems(application, snapshot)
        ]
    entry = getattr(application, "ledger_entry", None)
    return summary_data(application, snapshot.track if snapshot else None) | {
        "facts": application.facts,
        "business_scope": application.business_scope,
        "period_start": application.period_start,
        "period_end": application.period_end,
        "user_scope_detail": application.user_scope_detail,
        "notes": rendered(application.notes_text, "ja"),
        "notes_en": rendered(application.notes_text, "en"),
        "approver_title": snapshot.approver_title if snapshot else "",
        "judgment": snapshot.judgment if snapshot else None,
        "answers": [
            {
                "pack": a.pack_id,
                "item": a.item_id,
                "answer": a.answer,
                "note": a.note,
                "evidence_name": a.evidence_name,
                "answered_by": a.answered_by.get_username(),
                "answered_at": a.answered_at,
            }
            for a in application.answers.select_related("answered_by")
        ],
        "explanations": [
            {
                "pack": e.pack_id,
                "code": e.code,
                "explanation": e.explanation,
                "explained_by": e.explained_by.get_username(),
                "explained_at": e.explained_at,
            }
            for e in application.explanations.select_related("explained_by")
        ],
        "decisions": [decision_data(d) for d in application.decisions.select_related("decided_by")],
        "steps": steps,
        "submission_problems": problems,
        "ledger_entry": entry.pk if entry else None,
    }


def decision_data(decision: Any) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "outcome": decision.outcome,
        "outcome_label": str(decision.get_outcome_display()),
        "reason": rendered(decision.reason_text, "ja"),
        "reason_en": rendered(decision.reason_text, "en"),
        "decided_by": decision.decided_by.get_username(),
        "decided_by_name": display_name(decision.decided_by),
        "decided_at": decision.decided_at,
        "self_approval": decision.self_approval,
        "approver_title": decision.approver_title,
        "application_version": decision.application_version,
    }


@router.get(
    "",
    response={200: Page[ApplicationSummary], **errors(401, 403, 404, 422)},
    summary="List applications",
    operation_id="list_applications",
    auth=requires(*VIEW),
)
def list_applications(request: SignedInRequest, filters: Query[ApplicationFilters]) -> dict[str, Any]:
    """Your own applications and those your roles reach (your department's, or the municipality's), newest first."""
    applications = applications_for(request.user).annotate(
        current_track=Subquery(
            JudgmentSnapshot.objects.filter(application=OuterRef("pk")).order_by("-id").values("track")[:1]
        )
    )
    if filters.status:
        applications = applications.filter(status=filters.status)
    if filters.municipality:
        applications = applications.filter(municipality__slug=filters.municipality)
    if filters.department:
        applications = applications.filter(department__code=filters.department)
    if filters.mine:
        applications = applications.filter(applicant=request.user)
    if filters.updated_since:
        applications = applications.filter(updated_at__gte=filters.updated_since)
    return paginate(
        applications,
        filters,
        lambda a: summary_data(a, a.current_track),
        ["updated_at", "id"],
        descending=True,
    )


@router.post(
    "",
    response={201: ApplicationDetail, **errors(400, 401, 403, 404, 422)},
    summary="Start a draft application",
    operation_id="create_application",
    auth=requires(Capability.APPLY),
)
def create_application(
    request: SignedInRequest, payload: ApplicationCreate, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    """Judges the facts and saves a draft in your department (kumokan.applications.actions.create_draft)."""
    municipality = municipality_for(request.user, payload.municipality, Capability.APPLY)
    department = _department(municipality, payload.department)

    def create() -> tuple[int, dict[str, Any]]:
        application = actions.create_draft(
            acting_user=request.user,
            municipality=municipality,
            department=department,
            facts=payload.facts,
            business_scope=payload.business_scope,
            period_start=payload.period_start,
            period_end=payload.period_end,
            user_scope_detail=payload.user_scope_detail,
            notes=payload.notes,
        )
        return 201, _detail(request.user, application)

    return create_once(request, idempotency_key, "create_application", payload, ApplicationDetail, create)


def _department(municipality: Any, code: str) -> Department:
    department = Department.objects.filter(municipality=municipality, code=code).first()
    if department is None:
        raise InvalidInput(
            gettext_lazy("%(municipality)s has no department with the code %(code)s"),
            field="department",
            # The municipality by its name in Japanese, by its id (as the caller sent it) in English.
            params={"municipality": in_both(str(municipality), municipality.slug), "code": as_typed(code)},
        )
    return department


@router.get(
    "/{int:application_id}",
    response={200: ApplicationDetail, **errors(401, 403, 404, 422)},
    summary="Read an application",
    operation_id="get_application",
    auth=requires(*VIEW),
)
def get_application(request: SignedInRequest, application_id: Id) -> dict[str, Any]:
    """With its current judgment, answers, explanations, decisions and the steps you may take now."""
    return _detail(request.user, application_for(request.user, application_id))


@router.patch(
    "/{int:application_id}",
    response={200: ApplicationDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Change a draft or returned application",
    operation_id="update_application",
    auth=requires(Capability.APPLY),
)
def update_application(
    request: SignedInRequest, application_id: Id, payload: ApplicationUpdate
) -> dict[str, Any]:
    """kumokan.applications.actions.update_draft; only your own application, and only while it may be edited."""
    application = own_application(request.user, application_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("business_scope", "user_scope_detail", "notes", "facts"):
        if name in changes and changes[name] is None:
            changes.pop(name)
    application = actions.update_draft(
        acting_user=request.user, application=application, changes=changes, expected_version=payload.version
    )
    return _detail(request.user, application)


@router.post(
    "/{int:application_id}/answers",
    response={200: ApplicationDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Answer a checklist item",
    operation_id="answer_item",
    auth=requires(Capability.APPLY),
)
def answer_item(request: SignedInRequest, application_id: Id, payload: AnswerIn) -> dict[str, Any]:
    """kumokan.applications.actions.answer_item (without an evidence file: upload those on the checklist page)."""
    application = own_application(request.user, application_id)
    actions.answer_item(
        acting_user=request.user,
        application=application,
        pack_id=payload.pack,
        item_id=payload.item,
        answer=Answer(payload.answer),
        note=payload.note,
        expected_version=payload.version,
    )
    return _detail(request.user, application_for(request.user, application_id))


@router.post(
    "/{int:application_id}/explanations",
    response={200: ApplicationDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Explain a finding",
    operation_id="explain_finding",
    auth=requires(Capability.APPLY),
)
def explain_finding(request: SignedInRequest, application_id: Id, payload: ExplanationIn) -> dict[str, Any]:
    application = own_application(request.user, application_id)
    actions.explain_finding(
        acting_user=request.user,
        application=application,
        pack_id=payload.pack,
        code=payload.code,
        explanation=payload.explanation,
        expected_version=payload.version,
    )
    return _detail(request.user, application_for(request.user, application_id))


@router.post(
    "/{int:application_id}/submit",
    response={200: ApplicationDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Submit (or resubmit) an application",
    operation_id="submit_application",
    auth=requires(Capability.APPLY),
)
def submit_application(request: SignedInRequest, application_id: Id, payload: VersionIn) -> dict[str, Any]:
    """A draft is submitted, a returned one resubmitted; where the pack lets the applicant approve their
    own use (Kobe's low track) it is approved at once. What stops it is 400 with each reason in details."""
    application = own_application(request.user, application_id)
    act = actions.resubmit if application.status == Status.RETURNED else actions.submit
    application = act(acting_user=request.user, application=application, expected_version=payload.version)
    return _detail(request.user, application)


@router.post(
    "/{int:application_id}/withdraw",
    response={200: ApplicationDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Withdraw an application",
    operation_id="withdraw_application",
    auth=requires(Capability.APPLY),
)
def withdraw_application(request: SignedInRequest, application_id: Id, payload: WithdrawIn) -> dict[str, Any]:
    application = own_application(request.user, application_id)
    application = actions.withdraw(
        acting_user=request.user,
        application=application,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(request.user, application)
