"""What a printed form says: an application, its judgment, answers and decision, laid out per form kind.

Which forms an application has comes from its judgment's `forms` (the pack's data, e.g. Amagasaki's
様式1 and 別紙); a form's layout comes from its kind, never from the city. PDF and XLSX render the
same PrintedForm.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kumokan.applications.choices import Answer, Outcome, UserScope
from kumokan.applications.models import Application, Decision, JudgmentSnapshot, explanations_by_finding
from kumokan.catalog.choices import ServiceModel
from kumokan.core.actors import display_name
from kumokan.core.answers import finding_key
from kumokan.core.punctuation import bracketed, enumeration_separator, joined, paired, period_separator
from kumokan.core.wareki import FIRST_DAY, to_seireki, to_wareki
from kumokan.documents.choices import FormKind, Phase
from kumokan.errors import reads_english
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.access import department_name, own_title
from kumokan.tenancy.vocabulary import vocabulary

# The packs name a form by id and title only; the seeds' titles say what it is. The first marker
# found wins: 申請書兼許可書 is an application-and-permit form, 確認結果 / 確認事項 a checklist to
# answer, 要件 a requirement sheet (Kobe's 別紙「外部サービス要件」). Anything else is a checklist.
KIND_MARKERS: tuple[tuple[tuple[str, ...], FormKind], ...] = (
    (("申請書", "許可書"), FormKind.APPLICATION_AND_PERMIT),
    (("確認結果", "確認事項"), FormKind.CHECKLIST),
    (("要件",), FormKind.REQUIREMENT_SHEET),
)
ANSWER_KINDS = (FormKind.CHECKLIST, FormKind.REQUIREMENT_SHEET)


def kind_of(title: str) -> FormKind:
    """The kind of a pack's form, read from its title."""
    for markers, kind in KIND_MARKERS:
        if any(marker in title for marker in markers):
            return kind
    return FormKind.CHECKLIST


def both_dates(day: datetime.date | None) -> str:
    """令和7年4月1日（2025年4月1日）, as the forms print every date; in English "1 April 2025"; "" for no
    date."""
    if day is None:
        return ""
    if reads_english():
        return date_format(day, "j F Y")
    if day < FIRST_DAY:
        return to_seireki(day)
    return f"{to_wareki(day)}{bracketed(to_seireki(day))}"


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class ItemRow:
    number: int
    text: str
    clause: str
    group: str
    answer: str
    note: str
    evidence: str


@dataclass(frozen=True)
class Section:
    title: str
    items: list[ItemRow]


@dataclass(frozen=True)
class Signatory:
    """A person who signs or seals a form: the role's title, their department and name, and when."""

    title: str
    department: str = ""
    name: str = ""
    date: str = ""


@dataclass(frozen=True)
class DecisionBlock:
    outcome: str
    approved: bool
    approver: Signatory
    reason: str
    self_approval: bool


@dataclass(frozen=True)
class PrintedForm:
    number: int
    kind: FormKind
    form_id: str
    title: str
    municipality: str
    date: str
    addressee: str
    applicant: Signatory
    fields: list[Row]
    findings: list[Row] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    decision: DecisionBlock | None = None
    service_manager: Row | None = None
    sections: list[Section] = field(default_factory=list)
    service_word: str = ""  # what the city's rules call the service (外部サービス): tenancy.vocabulary

    @property
    def filename(self) -> str:
        """The download's file name without extension: form id and title, e.g. 様式1_クラウドサービス…."""
        stem = f"{self.form_id}_{self.title}" if self.form_id else self.title
        return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in stem)[:120]

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def final_decision(application: Application) -> Decision | None:
    """The approval or rejection, if there is one (a return is not final)."""
    return (
        application.decisions.filter(outcome__in=[Outcome.APPROVED, Outcome.REJECTED])
        .select_related("decided_by", "snapshot__document")
        .first()
    )


def snapshot_for(application: Application, decision: Decision | None) -> JudgmentSnapshot | None:
    """The judgment the forms print: the one decided on, else the latest."""
    if decision is not None:
        return decision.snapshot
    return application.judgment


def printed_forms(application: Application) -> list[PrintedForm]:
    """Every form of the application: the pack's forms for the judged track, plus kumokan's own
    application form and answer sheet where the pack names none (Kobe's seed names only a 別紙)."""
    decision = final_decision(application)
    snapshot = snapshot_for(application, decision)
    if snapshot is None:
        return []
    pack_forms = [(f["id"], f["title"], kind_of(f["title"])) for f in snapshot.judgment.get("forms", [])]
    kinds = {kind for _id, _title, kind in pack_forms}
    specs: list[tuple[str, str, FormKind]] = []
    if FormKind.APPLICATION_AND_PERMIT not in kinds:
        # Named with the city's word for the service (Kobe: 外部サービス利用申請書).
        service = vocabulary(application.municipality).service
        title = capfirst(_("%(service)s usage application") % {"service": service})
        specs.append(("", title, FormKind.APPLICATION_AND_PERMIT))
    specs += pack_forms
    if not kinds & set(ANSWER_KINDS):
        specs.append(("", _("Checklist answers"), FormKind.CHECKLIST))
    context = _Context(application, snapshot, decision)
    titles = [title for _id, title, _kind in specs]
    return [
        context.form(number, form_id, title, kind, [t for t in titles if t != title])
        for number, (form_id, title, kind) in enumerate(specs, start=1)
    ]


class _Context:
    """The values every form of one application shares, read once."""

    def __init__(
        self, application: Application, snapshot: JudgmentSnapshot, decision: Decision | None
    ) -> None:
        self.application = application
        self.snapshot = snapshot
        self.decision = decision
        self.judgment: dict[str, Any] = snapshot.judgment
        self.facts: dict[str, Any] = snapshot.facts
        self.words = vocabulary(application.municipality)
        self.answers = {
            (a.pack_id, a.item_id): a for a in application.answers.all().order_by("pack_id", "item_id")
        }

    def form(self, number: int, form_id: str, title: str, kind: FormKind, others: list[str]) -> PrintedForm:
        application = self.application
        submitted = application.submitted_at or application.created_at
        common: dict[str, Any] = {
            "number": number,
            "kind": kind,
            "form_id": form_id,
            "title": title,
            "municipality": application.municipality.name,
            "service_word": self.words.service,
            "date": both_dates(timezone.localdate(submitted)),
            "addressee": self.snapshot.approver_title
            or (self.judgment.get("approver") or {}).get("title", ""),
            # The applicant's own title as the city recorded it (tenancy.StaffTitle: 保育課長, 主査), blank
            # when none is; never a role the rules name (申請者, 所属長, 各所属), which is no one's 職名.
            "applicant": Signatory(
                title=own_title(application.applicant, application.municipality),
                department=application.department.name,
                name=display_name(application.applicant),
            ),
            "decision": self.decision_block(),
        }
        if kind == FormKind.APPLICATION_AND_PERMIT:
            return PrintedForm(
                **common,
                fields=self.fields(),
                findings=self.findings(),
                attachments=others,
                service_manager=self.service_manager(),
            )
        return PrintedForm(**common, fields=self.summary(), sections=self.sections())

    # The service and its provider as the city's rules name them, as the ledger's columns do
    # (documents.ledger_table: Kobe's 外部サービスの名称, 外部サービス提供者).
    def service_label(self) -> str:
        return self.words.service_label()

    def provider_label(self) -> str:
        return self.words.provider_label()

    def fields(self) -> list[Row]:
        application, facts, judgment = self.application, self.facts, self.judgment
        service = application.service
        classification = judgment["classification"]
        period = period_separator().join(
            both_dates(day) or _("not set") for day in (application.period_start, application.period_end)
        )
        scope = UserScope(facts["user_scope"]).label
        if application.user_scope_detail:
            scope = f"{scope}{bracketed(application.user_scope_detail)}"
        personal = _("Yes") if facts.get("handles_personal_info") else _("No")
        specific = _("Yes") if facts.get("handles_specific_personal_info") else _("No")
        return [
            Row(self.service_label(), facts["service_name"]),
            Row(_("Function"), joined(facts.get("functions") or []) or service.function_name),
            Row(self.provider_label(), facts["provider"]),
            Row(_("Service model"), str(ServiceModel(facts["service_model"]).label)),
            Row(_("Purpose (business)"), facts["purpose"]),
            Row(_("Scope of business"), application.business_scope),
            Row(
                _("Classification of the information"),
                paired(classification["confidentiality"]["label"], classification["availability"]["label"]),
            ),
            Row(_("Track"), self.words.track(judgment["track"], short=True)),
            Row(
                _("Personal information"),
                _("%(personal)s (specific personal information: %(specific)s)")
                % {"personal": personal, "specific": specific},
            ),
            Row(_("Period of use"), period),
            Row(_("Scope of users"), str(scope)),
            Row(
                _("Data location / governing law"),
                paired(facts.get("data_location", "JP"), facts.get("governing_law", "JP")),
            ),
            Row(
                _("Certifications"),
                enumeration_separator().join(facts.get("certifications") or []) or _("None"),
            ),
            Row(_("Notes"), str(application.notes_text)),
        ]

    def summary(self) -> list[Row]:
        """What heads a checklist: which service, whose application, which track."""
        applicant = f"{self.application.department.name} {display_name(self.application.applicant)}"
        return [
            Row(self.service_label(), str(self.application.service)),
            Row(self.provider_label(), self.facts["provider"]),
            Row(_("Applicant"), applicant),
            Row(_("Track"), self.words.track(self.judgment["track"], short=True)),
        ]

    def findings(self) -> list[Row]:
        explained = explanations_by_finding(self.application, self.snapshot)
        explanations = {key: e.explanation for key, e in explained.items()}
        rows = []
        for finding in self.judgment.get("findings", []):
            text = finding["message"]
            explanation = explanations.get(finding_key(finding)) if "pack" in finding else None
            if explanation:
                text = _("%(finding)s\nExplanation: %(explanation)s") % {
                    "finding": text,
                    "explanation": explanation,
                }
            rows.append(Row(_source(finding), text))
        return rows

    def decision_block(self) -> DecisionBlock | None:
        decision = self.decision
        if decision is None:
            return None
        return DecisionBlock(
            outcome=_("Permitted") if decision.outcome == Outcome.APPROVED else _("Not permitted"),
            approved=decision.outcome == Outcome.APPROVED,
            approver=Signatory(
                title=decision.approver_title,
                department=department_name(decision.decided_by, self.application.municipality),
                name=display_name(decision.decided_by),
                date=both_dates(timezone.localdate(decision.decided_at)),
            ),
            reason=str(decision.reason_text),
            self_approval=decision.self_approval,
        )

    def service_manager(self) -> Row:
        """The pack's title for the role (外部サービス管理者 in Kobe; in English the city's words, which are
        English there: tenancy.vocabulary) and, once designated, the person."""
        title = self.judgment["service_manager"]["title"]
        if reads_english():
            title = capfirst(self.words.service_manager)
        entry = LedgerEntry.objects.filter(application=self.application).first() if self.decision else None
        if entry is None:
            return Row(title, "")
        parts = (
            entry.service_manager_department_name,
            entry.service_manager_title,
            entry.service_manager_name,
        )
        return Row(title, " ".join(part for part in parts if part))

    def sections(self) -> list[Section]:
        sections = []
        number = 0
        for phase in Phase:
            rows = []
            for item in self.judgment["checklists"].get(phase.value, []):
                number += 1
                answer = self.answers.get((item["pack"], item["id"]))
                evidence = ""
                if answer is not None and answer.evidence_name:
                    evidence = _("Evidence: %(name)s") % {"name": answer.evidence_name}
                else:
                    evidence = typical_evidence(item)
                rows.append(
                    ItemRow(
                        number=number,
                        text=item["text"],
                        clause=_source(item),
                        group=item.get("group", ""),
                        answer=str(Answer(answer.answer).label) if answer is not None else "",
                        note=answer.note if answer is not None else "",
                        evidence=evidence,
                    )
                )
            if rows:
                sections.append(Section(str(phase.label), rows))
        return sections


def typical_evidence(item: dict[str, Any]) -> str:
    """The pack's hint of what evidence an item asks for, bracketed as the active language brackets it."""
    return _("(Typical evidence: %(hint)s)") % {"hint": item["evidence"]} if item.get("evidence") else ""


def _source(rule: dict[str, Any]) -> str:
    """The clause as the seed numbers it."""
    return str(rule["source"]["clause"])
