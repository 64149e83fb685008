"""Every state change of a planned procurement: its facts, survey, SLA, annex and the contractor's answers.

Each action locks the procurement (or annex) row, checks that the acting user plans procurements in its
department, saves, and writes its audit row in the same transaction. Refusals: PermissionDenied (wrong
person), kumokan.errors.WorkflowError (wrong input or state) and kumokan.policy.FactsError (facts the
engine rejects, one Problem per key).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, signed_in
from kumokan.core.answers import finding_key, item_key
from kumokan.errors import WorkflowError, interpolate
from kumokan.ledger.access import entries_for
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.schedule import schedule_periodic_rechecks
from kumokan.policy.facts import canonical_facts
from kumokan.policy.pack import Phase
from kumokan.policy.schemas import checklist
from kumokan.procurement.access import may_plan
from kumokan.procurement.choices import AnnexStatus, ContractorAnswer, SurveyAnswer
from kumokan.procurement.judging import (
    findings_to_justify,
    judge_procurement,
    sla_rows,
    special_terms_items,
)
from kumokan.procurement.models import (
    Procurement,
    ProcurementAnnex,
    SlaRequirement,
    SurveyJustification,
)
from kumokan.tenancy.models import Department, Municipality
from kumokan.tenancy.vocabulary import in_sentence

_AUDITED = ("title", "department", "facts", "survey_result", "survey_completed_at", "ledger_entry")


def _answer_items(
    acting_user: Actor,
    rows: Any,
    answers: Mapping[str, tuple[str, str]],
    *,
    items: Collection[str],
    choices: Collection[str],
    explained: str,
    unknown: Promise,
    unexplained: Promise,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Save answers to pack items ("pack:item" → (answer, note)) in `rows` (a related manager of answer
    rows): each item one of `items`, each answer one of `choices`, the `explained` answer with a note.
    Only what changed is written; returns the changed items before and after, for the audit row."""
    saved = {row.key: row for row in rows.all()}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, (answer, note) in answers.items():
        if key not in items:
            raise WorkflowError(unknown, code="unknown_item", params={"key": key})
        if answer not in choices:
            raise WorkflowError(
                gettext_lazy("The answer is not valid."),
                code="invalid_answer",
            )
        note = note.strip()
        if answer == explained and not note:
            raise WorkflowError(unexplained, code="note_required")
        row = saved.get(key)
        if row is not None and (row.answer, row.note) == (answer, note):
            continue
        before[key] = {"answer": row.answer, "note": row.note} if row else None
        after[key] = {"answer": answer, "note": note}
        pack_id, item_id = key.split(":", 1)
        rows.update_or_create(
            pack_id=pack_id,
            item_id=item_id,
            defaults={"answer": answer, "note": note, **rows.model.answered_columns(signed_in(acting_user))},
        )
    return before, after


def _lock(acting_user: Actor, procurement: Procurement) -> Procurement:
    locked = (
        Procurement.objects.select_for_update()
        .select_related("municipality", "department")
        .get(pk=procurement.pk)
    )
    if not may_plan(acting_user, locked.municipality, locked.department):
        raise PermissionDenied(gettext_lazy("You have no role that handles this procurement."))
    return locked


def _touch(procurement: Procurement, *fields: str) -> None:
    procurement.updated_at = timezone.now()
    procurement.save(update_fields=[*fields, "updated_at"])


def _reopen_survey(procurement: Procurement) -> list[str]:
    """A change to what the survey rests on makes it incomplete again."""
    if procurement.survey_completed_at is None:
        return []
    procurement.survey_completed_at = None
    procurement.survey_completed_by = None
    return ["survey_completed_at", "survey_completed_by"]


# ── the procurement ─────────────────────────────────────────────────────────


@transaction.atomic
def plan_procurement(
    *,
    acting_user: Actor,
    municipality: Municipality,
    department: Department,
    title: str,
    facts: dict[str, Any],
) -> Procurement:
    """Start planning a procurement in one department; the facts are judged before anything is saved."""
    if department.municipality_id != municipality.pk or not may_plan(acting_user, municipality, department):
        raise PermissionDenied(gettext_lazy("You have no role that plans procurements in this department."))
    if not title.strip():
        raise WorkflowError(
            gettext_lazy("Give the procurement a title."),
            code="title_required",
        )
    judge_procurement(municipality, facts)
    procurement = Procurement.objects.create(
        municipality=municipality,
        department=department,
        title=title.strip(),
        facts=canonical_facts(facts),
        created_by=signed_in(acting_user),
    )
    record(acting_user, Action.PROCUREMENT_CREATE, procurement, None, state_of(procurement, *_AUDITED))
    return procurement


@transaction.atomic
def update_procurement(
    *, acting_user: Actor, procurement: Procurement, title: str, facts: dict[str, Any]
) -> Procurement:
    """Change the title or facts; issued annexes keep the facts they were issued on."""
    procurement = _lock(acting_user, procurement)
    if not title.strip():
        raise WorkflowError(
            gettext_lazy("Give the procurement a title."),
            code="title_required",
        )
    judge_procurement(procurement.municipality, facts)
    before = state_of(procurement, *_AUDITED)
    canonical = canonical_facts(facts)
    changed = ["title", "facts"]
    if canonical != procurement.facts:
        changed += _reopen_survey(procurement)
    procurement.title = title.strip()
    procurement.facts = canonical
    _touch(procurement, *changed)
    record(acting_user, Action.PROCUREMENT_EDIT, procurement, before, state_of(procurement, *_AUDITED))
    return procurement


# ── the survey worksheet (Osaka 第2章) ───────────────────────────────────────


@transaction.atomic
def save_survey(
    *,
    acting_user: Actor,
    procurement: Procurement,
    answers: Mapping[str, tuple[str, str]],
    justifications: Mapping[str, str],
    result: str,
) -> Procurement:
    """Save answers to the selection items ("pack:item" → (answer, what was found)), the justification of
    findings ("pack:code" → text) and the result of the survey. Only what changed is written."""
    procurement = _lock(acting_user, procurement)
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    items = {item_key(item): item for item in checklist(judgment, Phase.SELECTION)}
    findings = {finding_key(f): f for f in findings_to_justify(judgment)}
    saved_reasons = {j.key: j for j in procurement.justifications.all()}
    before, after = _answer_items(
        acting_user,
        procurement.survey_items,
        answers,
        items=items,
        choices=SurveyAnswer.values,
        explained=SurveyAnswer.NOT_DONE,
        unknown=gettext_lazy("The survey has no item %(key)s."),
        unexplained=gettext_lazy("Say why an item was not done."),
    )
    for key, text in justifications.items():
        if key not in findings:
            raise WorkflowError(
                gettext_lazy("The judgment has no finding %(key)s."),
                code="unknown_finding",
                params={"key": key},
            )
        text = text.strip()
        reason = saved_reasons.get(key)
        if not text or (reason is not None and reason.text == text):
            continue
        before[key] = reason.text if reason else None
        after[key] = text
        pack_id, code = key.split(":", 1)
        SurveyJustification.objects.update_or_create(
            procurement=procurement,
            pack_id=pack_id,
            code=code,
            defaults={"text": text, "written_by": signed_in(acting_user), "written_at": timezone.now()},
        )
    changed = []
    if result.strip() != procurement.survey_result:
        before["survey_result"] = procurement.survey_result
        procurement.survey_result = after["survey_result"] = result.strip()
        changed.append("survey_result")
    if after:
        changed += _reopen_survey(procurement)
        _touch(procurement, *changed)
        record(acting_user, Action.PROCUREMENT_SURVEY_SAVE, procurement, before, after)
    return procurement


def survey_gaps(procurement: Procurement) -> list[WorkflowError]:
    """What keeps the survey from being complete: unanswered items, unjustified findings, no result."""
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    answered = {a.key for a in procurement.survey_items.all()}
    justified = {j.key for j in procurement.justifications.all()}
    unanswered = [item for item in checklist(judgment, Phase.SELECTION) if item_key(item) not in answered]
    gaps = []
    if unanswered:
        gaps.append(
            WorkflowError(
                gettext_lazy("%(count)s items are unanswered."),
                code="items_unanswered",
                params={"count": len(unanswered)},
            )
        )
    gaps += [
        WorkflowError(
            gettext_lazy("A finding is not justified (%(clause)s)."),
            code="finding_unjustified",
            params={"clause": finding["source"]["clause"]},
        )
        for finding in findings_to_justify(judgment)
        if finding_key(finding) not in justified
    ]
    if not procurement.survey_result:
        gaps.append(
            WorkflowError(
                gettext_lazy("Write the result of the survey."),
                code="result_required",
            )
        )
    return gaps


@transaction.atomic
def complete_survey(*, acting_user: Actor, procurement: Procurement) -> Procurement:
    """Record that the survey is done: every item answered, every finding justified, the result written."""
    procurement = _lock(acting_user, procurement)
    if procurement.survey_completed_at is not None:
        raise WorkflowError(
            gettext_lazy("The survey is already complete."),
            code="already_complete",
        )
    gaps = survey_gaps(procurement)
    if gaps:
        raise WorkflowError(
            gettext_lazy("The survey worksheet is not complete."),
            code="incomplete",
            details=tuple(gaps),
        )
    before = state_of(procurement, "survey_completed_at", "survey_completed_by")
    procurement.survey_completed_at = timezone.now()
    procurement.survey_completed_by = signed_in(acting_user)
    _touch(procurement, "survey_completed_at", "survey_completed_by")
    record(
        acting_user,
        Action.PROCUREMENT_SURVEY_COMPLETE,
        procurement,
        before,
        state_of(procurement, "survey_completed_at", "survey_completed_by"),
    )
    return procurement


# ── the SLA (Osaka 第3章2.3) ─────────────────────────────────────────────────


@transaction.atomic
def fill_sla(
    *, acting_user: Actor, procurement: Procurement, requirements: Mapping[str, tuple[str, str]]
) -> Procurement:
    """Fill in the city's requirement per SLA row ("pack:item" → (requirement, note)); an empty one is removed."""
    procurement = _lock(acting_user, procurement)
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    rows = {row.key for row in sla_rows(checklist(judgment, Phase.PROCUREMENT))}
    saved = {r.key: r for r in procurement.sla_requirements.all()}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, (requirement, note) in requirements.items():
        if key not in rows:
            raise WorkflowError(
                gettext_lazy("The SLA has no row %(key)s."),
                code="unknown_row",
                params={"key": key},
            )
        requirement, note = requirement.strip(), note.strip()
        row = saved.get(key)
        old = {"requirement": row.requirement, "note": row.note} if row else None
        new = {"requirement": requirement, "note": note} if requirement else None
        if old == new:
            continue
        before[key], after[key] = old, new
        pack_id, item_id = key.split(":", 1)
        if new is None:
            SlaRequirement.objects.filter(procurement=procurement, pack_id=pack_id, item_id=item_id).delete()
        else:
            SlaRequirement.objects.update_or_create(
                procurement=procurement,
                pack_id=pack_id,
                item_id=item_id,
                defaults={**new, **SlaRequirement.answered_columns(signed_in(acting_user))},
            )
    if after:
        _touch(procurement)
        record(acting_user, Action.PROCUREMENT_SLA_FILL, procurement, before, after)
    return procurement


# ── the ledger entry, whose re-checks the lifecycle app schedules ───────────


@transaction.atomic
def link_ledger_entry(*, acting_user: Actor, procurement: Procurement, entry: LedgerEntry) -> Procurement:
    """Name the ledger entry the procured service became; a service in operation gets its periodic re-checks
    (the settings check of Osaka 第4章3.9 among them) scheduled as any service does."""
    procurement = _lock(acting_user, procurement)
    if (
        entry.municipality_id != procurement.municipality_id
        or not entries_for(acting_user).filter(pk=entry.pk).exists()
    ):
        raise PermissionDenied(
            interpolate(
                gettext_lazy("You have no role that handles this %(ledger)s entry."),
                in_sentence(procurement.municipality),
            )
        )
    before = state_of(procurement, "ledger_entry")
    procurement.ledger_entry = entry
    _touch(procurement, "ledger_entry")
    record(
        acting_user, Action.PROCUREMENT_LINK_ENTRY, procurement, before, state_of(procurement, "ledger_entry")
    )
    locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status == EntryStatus.IN_OPERATION:
        schedule_periodic_rechecks(locked, today=timezone.localdate(), acting_user=acting_user)
    return procurement


# ── the special-terms annex (seed 004) ──────────────────────────────────────

_ANNEX_FIELDS = ("number", "status", "contractor_name")


@transaction.atomic
def issue_annex(*, acting_user: Actor, procurement: Procurement) -> ProcurementAnnex:
    """Issue the annex of the special terms that apply to the procurement's facts, numbered after the last."""
    procurement = _lock(acting_user, procurement)
    items, packs = special_terms_items(procurement.municipality, procurement.facts)
    if not items:
        raise WorkflowError(
            gettext_lazy("No special term applies to this procurement."),
            code="no_items",
        )
    last = procurement.annexes.aggregate(last=Max("number"))["last"] or 0
    annex = ProcurementAnnex.objects.create(
        procurement=procurement,
        number=last + 1,
        facts=procurement.facts,
        packs=packs,
        items=items,
        issued_by=signed_in(acting_user),
    )
    _touch(procurement)
    record(
        acting_user,
        Action.PROCUREMENT_ANNEX_ISSUE,
        annex,
        None,
        {**state_of(annex, *_ANNEX_FIELDS), "items": [item_key(i) for i in items]},
        municipality=procurement.municipality,
    )
    return annex


def annex_status(annex: ProcurementAnnex) -> AnnexStatus:
    answered = annex.answers.count()
    if answered == 0:
        return AnnexStatus.AWAITING_ANSWERS
    if answered < len(annex.items):
        return AnnexStatus.PARTLY_ANSWERED
    return AnnexStatus.ANSWERED


@transaction.atomic
def record_annex_answers(
    *,
    acting_user: Actor,
    annex: ProcurementAnnex,
    contractor_name: str,
    answers: Mapping[str, tuple[str, str]],
) -> ProcurementAnnex:
    """Record the contractor's answers item by item ("pack:item" → (answer, explanation)) as the city received them."""
    procurement = _lock(acting_user, annex.procurement)
    annex = ProcurementAnnex.objects.select_for_update().get(pk=annex.pk, procurement=procurement)
    before: dict[str, Any] = state_of(annex, *_ANNEX_FIELDS)
    earlier, changes = _answer_items(
        acting_user,
        annex.answers,
        answers,
        items={item_key(item) for item in annex.items},
        choices=ContractorAnswer.values,
        explained=ContractorAnswer.DOES_NOT_CONFORM,
        unknown=gettext_lazy("The annex has no item %(key)s."),
        unexplained=gettext_lazy("Record the contractor's explanation of an item not met."),
    )
    before.update(earlier)
    annex.contractor_name = contractor_name.strip()
    annex.status = annex_status(annex)
    if not changes and state_of(annex, *_ANNEX_FIELDS) == before:
        return annex
    annex.save(update_fields=["contractor_name", "status"])
    record(
        acting_user,
        Action.PROCUREMENT_ANNEX_ANSWER,
        annex,
        before,
        {**state_of(annex, *_ANNEX_FIELDS), **changes},
        municipality=procurement.municipality,
    )
    return annex
