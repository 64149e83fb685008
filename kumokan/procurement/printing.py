"""The annex and the settings checklist as printed forms, laid out by the documents app (PDF and XLSX)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kumokan.core.templatetags.kumokan import in_language
from kumokan.documents.choices import FormKind
from kumokan.documents.choices import Phase as PrintedPhase
from kumokan.documents.printed import (
    ItemRow,
    PrintedForm,
    Row,
    Section,
    Signatory,
    both_dates,
    typical_evidence,
)
from kumokan.policy.pack import Phase
from kumokan.procurement.choices import ContractorAnswer
from kumokan.procurement.forms import describe
from kumokan.procurement.judging import SPECIAL_TERMS, by_section, judge_procurement, own_items
from kumokan.procurement.models import Procurement, ProcurementAnnex
from kumokan.tenancy.vocabulary import vocabulary


def annex_form(annex: ProcurementAnnex) -> PrintedForm:
    """The annex to attach to the specification: the special terms that apply, with a column for the
    contractor's answer (filled in once recorded) and a place for the contractor to sign."""
    procurement = annex.procurement
    answers = {(a.pack_id, a.item_id): a for a in annex.answers.all()}
    sections = []
    number = 0
    for phase in PrintedPhase:
        rows = []
        for item in annex.items:
            if item["phase"] != phase.value:
                continue
            number += 1
            answer = answers.get((item["pack"], item["id"]))
            rows.append(
                ItemRow(
                    number=number,
                    text=in_language(item),
                    clause=item["source"]["clause"],
                    group=item.get("group", ""),
                    answer=str(ContractorAnswer(answer.answer).label) if answer else "",
                    note=answer.note if answer else "",
                    evidence=typical_evidence(item),
                )
            )
        if rows:
            sections.append(Section(str(phase.label), rows))
    facts = describe(annex.facts)
    return PrintedForm(
        number=annex.number,
        kind=FormKind.REQUIREMENT_SHEET,
        form_id=_("Annex %(number)s to the specification") % {"number": annex.number},
        title=procurement.municipality.pack_in_force(SPECIAL_TERMS).pack.title,
        municipality=procurement.municipality.name,
        date=both_dates(timezone.localdate(annex.issued_at)),
        addressee=f"{procurement.municipality.name} {procurement.department.name}",
        applicant=Signatory(title=_("Contractor"), name=annex.contractor_name),
        fields=[
            Row(_("Title of the procurement"), procurement.title),
            Row(_("Department"), procurement.department.name),
            Row(vocabulary(procurement.municipality).service_label(), str(annex.facts["service_name"])),
            Row(_("Type of cloud"), facts["deployment"]),
            Row(_("MIC confidentiality class"), facts["municipal_confidentiality"]),
            Row(_("Login from the internet bypassing the office network"), facts["direct_internet_login"]),
        ],
        sections=sections,
    )


def settings_checklist_form(procurement: Procurement, today: datetime.date) -> PrintedForm:
    """The build and operation items of the municipality's pack for the procurement's service model,
    grouped by the seed's sections (for Osaka, 第4章: the misconfiguration controls)."""
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    sections = []
    number = 0
    for phase in (Phase.BUILD, Phase.OPERATION):
        rows = []
        for section in by_section(own_items(judgment, procurement.municipality, phase)):
            # A section heads its rows where it groups clauses (第4章3.5(1): 表No.1, 表No.2 …); a section
            # that is one clause (Kobe's 3.5.1ア) would only repeat the clause printed beside its item.
            grouped = any(item["source"]["clause"] != section.title for item in section.items)
            for item in section.items:
                number += 1
                rows.append(_item_row(number, item, section.title if grouped else ""))
        if rows:
            sections.append(Section(str(PrintedPhase(phase.value).label), rows))
    return PrintedForm(
        number=1,
        kind=FormKind.CHECKLIST,
        form_id="",
        title=_("Settings and operation checklist"),
        municipality=procurement.municipality.name,
        date=both_dates(today),
        addressee="",
        applicant=Signatory(title=""),
        fields=[
            Row(_("Title of the procurement"), procurement.title),
            Row(_("Department"), procurement.department.name),
            Row(_("Service model"), describe(procurement.facts)["service_model"]),
        ],
        sections=sections,
    )


def _item_row(number: int, item: dict[str, Any], section: str) -> ItemRow:
    return ItemRow(
        number=number,
        text=in_language(item),
        clause=item["source"]["clause"],
        group=section,
        answer="",
        note="",
        evidence=typical_evidence(item),
    )
