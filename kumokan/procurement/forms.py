"""The forms of the procurement tools: the facts, the survey worksheet, the SLA and the contractor's answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kumokan.applications.forms import FactsForm, describe_facts
from kumokan.core.answers import finding_key, item_key
from kumokan.core.forms import declared
from kumokan.ledger.models import LedgerEntry
from kumokan.policy.schemas import Finding, Item
from kumokan.procurement.choices import ContractorAnswer, SurveyAnswer
from kumokan.procurement.judging import SlaRow
from kumokan.procurement.models import Procurement, ProcurementAnnex

# What the application form asks that a procurement plan does not (it is not yet an application).
_NOT_PLANNED = ("business_scope", "period_start", "period_end", "user_scope_detail", "notes", "version")
# The engine needs a provider; until one is chosen the facts hold this mark (shown as "not decided").
UNDECIDED = "—"
# How the seed's SLA template marks a value to fill in (年●●.●%以上).
BLANK = "●"


class ProcurementForm(FactsForm):
    """The facts of the planned service, as in the application form; the provider may be undecided."""

    title = forms.CharField(label=_("Title of the procurement"), max_length=200)

    SECTIONS = (
        (_("Procurement"), ("title", "department")),
        *FactsForm.SECTIONS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in _NOT_PLANNED:
            self.fields.pop(name, None)
        provider = self.fields["provider"]
        provider.required = False
        provider.help_text = _("Leave it empty while the provider is not decided.")

    @classmethod
    def initial_for_procurement(cls, procurement: Procurement) -> dict[str, Any]:
        facts = procurement.facts
        return {
            **{name: facts.get(name) for name in facts},
            "title": procurement.title,
            "provider": "" if facts.get("provider") == UNDECIDED else facts.get("provider"),
            "function_name": "・".join(facts.get("functions", [])),
            "municipal_confidentiality": facts.get("municipal_confidentiality") or "",
        }

    def facts(self) -> dict[str, Any]:
        facts = super().facts()
        facts["provider"] = facts["provider"].strip() or UNDECIDED
        return facts


@dataclass
class SurveyRow:
    item: Item
    answer: forms.BoundField
    note: forms.BoundField


@dataclass
class JustificationRow:
    finding: Finding
    text: forms.BoundField


class SurveyForm(forms.Form):
    """The survey worksheet: each selection item done or not with what was found, the findings justified,
    and the result."""

    result = forms.CharField(
        label=_("Result of the survey"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Which services were found (LGWAN-ASP, SaaS on the market …) and which one is planned, and why."
        ),
    )

    def __init__(
        self,
        *args: Any,
        procurement: Procurement,
        items: list[Item],
        findings: list[Finding],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.findings = findings
        saved = {a.key: a for a in procurement.survey_items.all()}
        reasons = {j.key: j for j in procurement.justifications.all()}
        self.fields["result"].initial = procurement.survey_result
        for item in items:
            key = item_key(item)
            row = saved.get(key)
            self.fields[f"answer:{key}"] = forms.ChoiceField(
                label=_("Answer"),
                choices=SurveyAnswer.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=row.answer if row else None,
            )
            self.fields[f"note:{key}"] = forms.CharField(
                label=_("What was found"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=row.note if row else "",
            )
        for finding in findings:
            key = finding_key(finding)
            reason = reasons.get(key)
            self.fields[f"justification:{key}"] = forms.CharField(
                label=_("Justification"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=reason.text if reason else "",
            )

    def rows(self) -> list[SurveyRow]:
        return [
            SurveyRow(item, self[f"answer:{item_key(item)}"], self[f"note:{item_key(item)}"])
            for item in self.items
        ]

    def justification_rows(self) -> list[JustificationRow]:
        return [JustificationRow(f, self[f"justification:{finding_key(f)}"]) for f in self.findings]

    def answers(self) -> dict[str, tuple[str, str]]:
        """The answered items: "pack:item" → (answer, what was found)."""
        found = {}
        for item in self.items:
            key = item_key(item)
            answer = self.cleaned_data.get(f"answer:{key}") or ""
            if answer:
                found[key] = (answer, self.cleaned_data.get(f"note:{key}") or "")
        return found

    def justifications(self) -> dict[str, str]:
        return {
            finding_key(f): self.cleaned_data.get(f"justification:{finding_key(f)}") or ""
            for f in self.findings
        }


@dataclass
class SlaFormRow:
    row: SlaRow
    requirement: forms.BoundField
    note: forms.BoundField


class SlaForm(forms.Form):
    """The city's requirement per row of the SLA template, starting from the template's own wording."""

    def __init__(self, *args: Any, procurement: Procurement, rows: list[SlaRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sla_rows = rows
        saved = {r.key: r for r in procurement.sla_requirements.all()}
        for row in rows:
            filled = saved.get(row.key)
            # A template with blanks to fill (●) is a hint; one without (e.g. support hours) is a fair default.
            self.fields[f"requirement:{row.key}"] = forms.CharField(
                label=_("The city's requirement"),
                required=False,
                max_length=500,
                initial=filled.requirement if filled else ("" if BLANK in row.template else row.template),
                widget=forms.TextInput(attrs={"placeholder": row.template}),
            )
            self.fields[f"note:{row.key}"] = forms.CharField(
                label=_("Remarks"), required=False, max_length=2000, initial=filled.note if filled else ""
            )

    def rows(self) -> list[SlaFormRow]:
        return [SlaFormRow(r, self[f"requirement:{r.key}"], self[f"note:{r.key}"]) for r in self.sla_rows]

    def requirements(self) -> dict[str, tuple[str, str]]:
        return {
            r.key: (self.cleaned_data[f"requirement:{r.key}"], self.cleaned_data[f"note:{r.key}"])
            for r in self.sla_rows
        }


@dataclass
class AnswerRow:
    number: int
    item: dict[str, Any]
    answer: forms.BoundField
    note: forms.BoundField
    status: str
    answered: str


class AnnexAnswersForm(forms.Form):
    """The contractor's answers to an annex, item by item, as the city received them."""

    contractor_name = forms.CharField(label=_("Contractor"), max_length=200, required=False)

    def __init__(self, *args: Any, annex: ProcurementAnnex, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.annex = annex
        self.saved = {a.key: a for a in annex.answers.all()}
        self.fields["contractor_name"].initial = annex.contractor_name
        for item in annex.items:
            key = item_key(item)
            row = self.saved.get(key)
            self.fields[f"answer:{key}"] = forms.ChoiceField(
                label=_("Answer"),
                choices=ContractorAnswer.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=row.answer if row else None,
            )
            self.fields[f"note:{key}"] = forms.CharField(
                label=_("Contractor's explanation"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
                initial=row.note if row else "",
            )

    def rows(self) -> list[AnswerRow]:
        rows = []
        for number, item in enumerate(self.annex.items, start=1):
            key = item_key(item)
            saved = self.saved.get(key)
            status = saved.get_answer_display() if saved else str(_("No answer yet"))
            rows.append(
                AnswerRow(
                    number,
                    item,
                    self[f"answer:{key}"],
                    self[f"note:{key}"],
                    status,
                    saved.answer if saved else "",
                )
            )
        return rows

    def summary(self) -> list[tuple[str, int]]:
        """How many items have each answer, and how many none yet."""
        counts = [
            (str(label), sum(1 for a in self.saved.values() if a.answer == value))
            for value, label in ContractorAnswer.choices
        ]
        return [*counts, (str(_("No answer yet")), len(self.annex.items) - len(self.saved))]

    def answers(self) -> dict[str, tuple[str, str]]:
        found = {}
        for item in self.annex.items:
            key = item_key(item)
            answer = self.cleaned_data.get(f"answer:{key}") or ""
            if answer:
                found[key] = (answer, self.cleaned_data.get(f"note:{key}") or "")
        return found


class LedgerEntryForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Ledger entry"), queryset=LedgerEntry.objects.none())

    def __init__(self, *args: Any, entries: QuerySet[LedgerEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "entry", forms.ModelChoiceField).queryset = entries


def describe(facts: dict[str, Any]) -> dict[str, str]:
    """The facts as a person reads them, with what the procurement pages add to the application's wording."""
    text = describe_facts(facts)
    text["provider"] = (
        str(_("Not decided")) if facts.get("provider") == UNDECIDED else str(facts.get("provider", ""))
    )
    text["municipal_confidentiality"] = facts.get("municipal_confidentiality") or str(_("Not given"))
    text["direct_internet_login"] = str(_("Yes") if facts.get("direct_internet_login") else _("No"))
    return text
