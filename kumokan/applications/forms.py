"""The forms of the application journey: the facts (step 1), the checklist (step 2) and the decision."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.forms.widgets import ChoiceWidget
from django.utils.translation import gettext_lazy as _

from kumokan.applications.actions import ANSWERS_FOR, findings_to_explain
from kumokan.applications.choices import Outcome, UserScope
from kumokan.applications.models import (
    EXPLANATION_MAX_LENGTH,
    Application,
    ChecklistAnswer,
    FindingExplanation,
    JudgmentSnapshot,
    explanations_by_finding,
)
from kumokan.catalog.choices import ServiceModel
from kumokan.catalog.models import Provider
from kumokan.core.answers import finding_key, item_key
from kumokan.core.city_dates import CityDateField
from kumokan.core.forms import PersonChoiceField, declared
from kumokan.core.labels import PHASE_LABELS
from kumokan.core.punctuation import joined
from kumokan.core.uploads import EvidenceFileField
from kumokan.policy import Problem
from kumokan.policy.facts import Certification, Deployment, MunicipalConfidentiality
from kumokan.policy.pack import Phase, Response
from kumokan.tenancy.models import Department, Municipality
from kumokan.tenancy.vocabulary import classification_labels, vocabulary

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DEPLOYMENTS = [
    (Deployment.PUBLIC.value, _("Public cloud")),
    (Deployment.PRIVATE.value, _("Private cloud")),
    (Deployment.COMMUNITY.value, _("Community cloud")),
    (Deployment.GOVERNMENT.value, _("Government cloud")),
]
CERTIFICATIONS = [
    (Certification.ISO27001.value, "ISO/IEC 27001"),
    (Certification.ISO27017.value, "ISO/IEC 27017"),
    (Certification.ISMAP.value, "ISMAP"),
    (Certification.ISMAP_LIU.value, "ISMAP-LIU"),
    (Certification.SOC2.value, "SOC 2"),
    (Certification.CS_MARK.value, _("CS Mark")),
]
MUNICIPAL_CLASSES = [("", _("Not stated"))] + [(c.value, c.value) for c in MunicipalConfidentiality]
# Offered in the country fields' suggestion list; any ISO 3166 alpha-2 code is accepted.
COUNTRIES = [
    ("JP", _("Japan")),
    ("US", _("United States")),
    ("IE", _("Ireland")),
    ("SG", _("Singapore")),
    ("DE", _("Germany")),
    ("NL", _("Netherlands")),
    ("GB", _("United Kingdom")),
    ("AU", _("Australia")),
    ("KR", _("South Korea")),
    ("IN", _("India")),
]
BOOLEAN_FACTS = (
    "handles_personal_info",
    "handles_specific_personal_info",
    "terms_only",
    "required_clauses_present",
    "direct_internet_login",
    "operated_by_contractor",
)
# Free text the engine requires; a live judgment stands in for what is not typed yet.
TEXT_FACTS = ("service_name", "provider", "purpose")
PLACEHOLDER = "…"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _text(
    label: StrOrPromise, *, required: bool = True, rows: int | None = None, **kwargs: Any
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=required, widget=widget, **kwargs)


def _flag(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=help_text)


class FactsForm(forms.Form):
    """Step 1: what the applicant states about the planned use; the facts of CONTRACT.md and the rest."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    service_name = _text(_("Service name"), max_length=200)
    provider = _text(
        _("Provider"), max_length=200, help_text=_("Pick a provider already registered or type a new one.")
    )
    function_name = _text(
        _("Function"),
        required=False,
        max_length=200,
        help_text=_("The function applied for, where functions are applied for separately."),
    )
    purpose = _text(_("Purpose of use"), rows=3)
    business_scope = _text(_("Business scope"), required=False, rows=3)
    service_model = forms.ChoiceField(label=_("Service model"), choices=ServiceModel.choices)
    deployment = forms.ChoiceField(
        label=_("Deployment"), choices=DEPLOYMENTS, initial=Deployment.PUBLIC.value
    )
    confidentiality = forms.ChoiceField(label=_("Confidentiality of the information"))
    availability = forms.ChoiceField(label=_("Availability"))
    municipal_confidentiality = forms.ChoiceField(
        label=_("Class under the MIC guideline"), choices=MUNICIPAL_CLASSES, required=False
    )
    handles_personal_info = _flag(_("Personal information is handled"))
    handles_specific_personal_info = _flag(_("Specific personal information (My Number) is handled"))
    terms_only = _flag(_("Only the provider's standard terms apply (nothing negotiated)"))
    required_clauses_present = _flag(
        _("The terms or contract contain the required clauses (incident reporting, damages etc.)")
    )
    data_location = _text(_("Data location (country code)"), max_length=2, initial="JP")
    governing_law = _text(_("Governing law (country code)"), max_length=2, initial="JP")
    direct_internet_login = _flag(_("Staff log in directly from the internet"))
    user_scope = forms.ChoiceField(label=_("Users"), choices=UserScope.choices)
    user_scope_detail = _text(_("Users in detail"), required=False, rows=2)
    operated_by_contractor = _flag(_("A contractor uses the service on the city's behalf"))
    certifications = forms.MultipleChoiceField(
        label=_("Certifications of the provider or service"),
        choices=CERTIFICATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    period_start = CityDateField(label=_("Start of use"), required=False)
    period_end = CityDateField(label=_("End of use"), required=False)
    notes = _text(_("Notes"), required=False, rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Groups of fields, each shown as one fieldset with its legend.
    SECTIONS: tuple[tuple[StrOrPromise, tuple[str, ...]], ...] = (
        (
            _("Service"),
            ("department", "service_name", "provider", "function_name", "service_model", "deployment"),
        ),
        (_("Purpose"), ("purpose", "business_scope", "period_start", "period_end")),
        (_("Information handled"), ("confidentiality", "availability", "municipal_confidentiality")),
        (_("Personal information"), ("handles_personal_info", "handles_specific_personal_info")),
        (
            _("Terms and contract"),
            ("terms_only", "required_clauses_present", "data_location", "governing_law", "certifications"),
        ),
        (
            _("Users and access"),
            ("user_scope", "user_scope_detail", "direct_internet_login", "operated_by_contractor"),
        ),
        (_("Other"), ("notes",)),
    )

    def __init__(
        self,
        *args: Any,
        municipality: Municipality,
        departments: QuerySet[Department] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        declared(self, "confidentiality", forms.ChoiceField).choices = list(
            classification_labels(municipality).items()
        )
        declared(self, "availability", forms.ChoiceField).choices = list(
            classification_labels(municipality, "availability").items()
        )
        if departments is None:
            # Editing: the department stays the one the application was made in.
            del self.fields["department"]
        else:
            declared(self, "department", forms.ModelChoiceField).queryset = departments
            if departments.count() == 1:
                self.fields["department"].initial = departments.get()
        if not self.is_bound and "required_clauses_present" not in self.initial:
            self.initial["required_clauses_present"] = True
        # The provider as the city's rules name it (Kobe: 外部サービス提供者).
        self.fields["provider"].label = vocabulary(municipality).provider_label()
        # Suggestions only: a new provider is typed in, and the catalogue matches names width-insensitively.
        self.fields["provider"].widget.attrs.update({"list": "providers", "autocomplete": "off"})
        for name in ("data_location", "governing_law"):
            self.fields[name].widget.attrs.update({"list": "countries", "size": 4, "class": "input--short"})
        self.providers = Provider.objects.filter(municipality=municipality).order_by("name")
        self.countries = COUNTRIES

    @classmethod
    def initial_for(cls, application: Application) -> dict[str, Any]:
        """The form's values for an existing application."""
        facts = application.facts
        initial: dict[str, Any] = {name: facts.get(name) for name in (*TEXT_FACTS, *BOOLEAN_FACTS)}
        initial |= {
            "function_name": "・".join(facts.get("functions", [])),
            "service_model": facts.get("service_model"),
            "deployment": facts.get("deployment"),
            "confidentiality": facts.get("confidentiality"),
            "availability": facts.get("availability"),
            "municipal_confidentiality": facts.get("municipal_confidentiality") or "",
            "data_location": facts.get("data_location"),
            "governing_law": facts.get("governing_law"),
            "user_scope": facts.get("user_scope"),
            "certifications": facts.get("certifications", []),
            "business_scope": application.business_scope,
            "user_scope_detail": application.user_scope_detail,
            "period_start": application.period_start,
            "period_end": application.period_end,
            "notes": application.notes,
        }
        return initial

    def initial_data(self) -> dict[str, Any]:
        """The form's starting values as posted data, to judge a new form before anything is typed."""
        data: dict[str, Any] = {}
        for name, field in self.fields.items():
            value = self.get_initial_for_field(field, name)
            # A single choice posts its first option (the field's choices, which Django gives its widget).
            if (
                isinstance(field, forms.ChoiceField)
                and not isinstance(field, forms.MultipleChoiceField)
                and isinstance(field.widget, ChoiceWidget)
                and value is None
            ):
                value = next(iter(field.widget.choices), (None,))[0]
            if isinstance(field, forms.BooleanField):
                if value:
                    data[name] = "on"
            elif value is not None:
                data[name] = value
        return data

    def sections(self) -> Iterator[tuple[StrOrPromise, list[forms.BoundField]]]:
        for legend, names in self.SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield legend, fields

    def clean_data_location(self) -> str:
        return str(self.cleaned_data["data_location"]).strip().upper()

    def clean_governing_law(self) -> str:
        return str(self.cleaned_data["governing_law"]).strip().upper()

    def facts(self) -> dict[str, Any]:
        """The facts of CONTRACT.md from a valid form."""
        return self._facts(self.cleaned_data)

    def preview_facts(self) -> dict[str, Any]:
        """The facts as far as they are filled in, for the live judgment (missing text stands as "…")."""
        self.is_valid()
        data = dict(self.cleaned_data)
        for name in TEXT_FACTS:
            if not data.get(name):
                data[name] = PLACEHOLDER
        return self._facts(data)

    @staticmethod
    def _facts(data: dict[str, Any]) -> dict[str, Any]:
        facts: dict[str, Any] = {name: data[name] for name in TEXT_FACTS}
        facts["functions"] = [data["function_name"]] if data.get("function_name") else []
        for name in ("service_model", "deployment", "confidentiality", "availability", "user_scope"):
            if data.get(name):
                facts[name] = data[name]
        facts["municipal_confidentiality"] = data.get("municipal_confidentiality") or None
        for name in BOOLEAN_FACTS:
            facts[name] = bool(data.get(name))
        for name in ("data_location", "governing_law"):
            if data.get(name):
                facts[name] = data[name]
        facts["certifications"] = list(data.get("certifications") or [])
        return facts

    def application_fields(self) -> dict[str, Any]:
        """What create_draft and update_draft take besides the facts."""
        return {
            name: self.cleaned_data[name]
            for name in ("business_scope", "period_start", "period_end", "user_scope_detail", "notes")
        }

    def add_problems(self, problems: list[Problem], language_is_english: bool) -> None:
        """Show the engine's problems on the fields they concern (CONTRACT.md keys map to fields)."""
        for problem in problems:
            message = problem.en if language_is_english else problem.ja
            self.add_error(problem_field(problem.where, self.fields), message)


def problem_field(where: str, fields: dict[str, Any]) -> str | None:
    """The form field an engine problem's key names (None: the form as a whole)."""
    key = where.split(".", 1)[0]
    if key == "functions":
        key = "function_name"
    return key if key in fields else None


@dataclass
class ItemRow:
    """One checklist item as the checklist page shows it."""

    item: dict[str, Any]
    answer: forms.BoundField
    note: forms.BoundField
    evidence: forms.BoundField
    saved: ChecklistAnswer | None


@dataclass
class FindingRow:
    finding: dict[str, Any]
    explanation: forms.BoundField
    saved: FindingExplanation | None


class ChecklistForm(forms.Form):
    """Step 2: an answer, a note and optional evidence per item; an explanation per blocking finding."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, application: Application, snapshot: JudgmentSnapshot, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.snapshot = snapshot
        self.saved_answers = {a.key: a for a in application.answers.all()}
        # Only an explanation that answers the finding as judged now counts as saved (every pack of it);
        # an older one is offered again as the text to start from.
        self.saved_explanations = explanations_by_finding(application, snapshot)
        earlier = {e.key: e.explanation for e in application.explanations.all()}
        self.fields["version"].initial = application.version
        for item in snapshot.items():
            key = item_key(item)
            saved = self.saved_answers.get(key)
            choices = [(a.value, a.label) for a in ANSWERS_FOR[Response(item["response"])]]
            self.fields[f"answer:{key}"] = forms.ChoiceField(
                label=_("Answer"),
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=saved.answer if saved else None,
            )
            self.fields[f"note:{key}"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                max_length=EXPLANATION_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 1}),
                initial=saved.note if saved else "",
            )
            self.fields[f"evidence:{key}"] = EvidenceFileField(label=_("Evidence file"), required=False)
        for finding in self.blocking_findings():
            key = finding_key(finding)
            saved_explanation = self.saved_explanations.get(key)
            self.fields[f"explanation:{key}"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                max_length=EXPLANATION_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=saved_explanation.explanation if saved_explanation else earlier.get(key, ""),
            )

    def blocking_findings(self) -> list[dict[str, Any]]:
        return findings_to_explain(self.snapshot)

    def phases(self) -> list[tuple[str, Any, list[ItemRow], bool]]:
        """(phase, label, rows, any row invalid) for every phase that has items, in the order phases happen."""
        grouped = []
        for phase in Phase:
            rows = [
                ItemRow(
                    item=item,
                    answer=self[f"answer:{item_key(item)}"],
                    note=self[f"note:{item_key(item)}"],
                    evidence=self[f"evidence:{item_key(item)}"],
                    saved=self.saved_answers.get(item_key(item)),
                )
                for item in self.snapshot.items(phase.value)
            ]
            if rows:
                invalid = any(row.answer.errors or row.note.errors or row.evidence.errors for row in rows)
                grouped.append((phase.value, PHASE_LABELS[phase.value], rows, invalid))
        return grouped

    def finding_rows(self) -> list[FindingRow]:
        return [
            FindingRow(
                finding=f,
                explanation=self[f"explanation:{finding_key(f)}"],
                saved=self.saved_explanations.get(finding_key(f)),
            )
            for f in self.blocking_findings()
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name, value in list(cleaned.items()):
            if name.startswith("evidence:") and value and value.size > EVIDENCE_MAX_BYTES:
                self.add_error(name, _("An evidence file may be at most 10 MB."))
        return cleaned

    def changed_answers(self) -> Iterator[tuple[dict[str, Any], str, str, Any]]:
        """(item, answer, note, file) for each item whose answer, note or evidence the applicant changed."""
        for item in self.snapshot.items():
            key = item_key(item)
            answer = self.cleaned_data.get(f"answer:{key}") or ""
            note = (self.cleaned_data.get(f"note:{key}") or "").strip()
            evidence = self.cleaned_data.get(f"evidence:{key}")
            saved = self.saved_answers.get(key)
            if not answer:
                continue
            if saved and saved.answer == answer and saved.note == note and not evidence:
                continue
            yield item, answer, note, evidence

    def changed_explanations(self) -> Iterator[tuple[dict[str, Any], str]]:
        for finding in self.blocking_findings():
            key = finding_key(finding)
            text = (self.cleaned_data.get(f"explanation:{key}") or "").strip()
            saved = self.saved_explanations.get(key)
            if text and (saved is None or saved.explanation != text):
                yield finding, text


class DecisionForm(forms.Form):
    """The approver's decision: approve, reject or return, on the version they looked at."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    reason = _text(_("Reason"), required=False, rows=3, help_text=_("Required to reject or return."))
    service_manager = PersonChoiceField(
        label=_("Service manager"), queryset=User.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, managers: QuerySet[User] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if managers is None:
            del self.fields["service_manager"]
        else:
            declared(self, "service_manager", PersonChoiceField).queryset = managers

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        outcome = cleaned.get("outcome")
        if outcome in (Outcome.REJECTED, Outcome.RETURNED) and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting or returning the application."))
        return cleaned

    @property
    def needs_confirmation(self) -> bool:
        """A rejection is final: it is asked again before it is made."""
        return self.cleaned_data["outcome"] == Outcome.REJECTED and not self.cleaned_data.get("confirmed")


class WithdrawForm(forms.Form):
    reason = _text(_("Reason"), required=False, rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ExplainForm(forms.Form):
    """One blocking finding's explanation, given on the review page where the finding stops submission."""

    pack = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(forms.Form):
    """A step that only names the version it was taken on (submit)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def describe_facts(facts: dict[str, Any]) -> dict[str, str]:
    """The facts' codes and flags as a person reads them (the review, detail and decision pages)."""

    def label(choices: list[tuple[str, Any]], value: Any) -> str:
        return str(dict(choices).get(value, value or "—"))

    def flags(*pairs: tuple[bool, Any, Any]) -> str:
        return joined(yes if on else no for on, yes, no in pairs)

    return {
        "service_model": label(list(ServiceModel.choices), facts.get("service_model")),
        "deployment": label(DEPLOYMENTS, facts.get("deployment")),
        "user_scope": label(list(UserScope.choices), facts.get("user_scope")),
        "personal_info": flags(
            (
                facts.get("handles_personal_info", False),
                _("Personal information handled"),
                _("No personal information"),
            ),
            (
                facts.get("handles_specific_personal_info", False),
                _("Specific personal information handled"),
                _("No specific personal information"),
            ),
        ),
        "terms": flags(
            (facts.get("terms_only", False), _("Standard terms only"), _("Negotiated terms")),
            (
                facts.get("required_clauses_present", True),
                _("Required clauses present"),
                _("Required clauses missing"),
            ),
        ),
        "access": flags(
            (
                facts.get("direct_internet_login", False),
                _("Direct login from the internet"),
                _("Via the office network"),
            ),
            (facts.get("operated_by_contractor", False), _("Used by a contractor"), _("Used by city staff")),
        ),
    }
