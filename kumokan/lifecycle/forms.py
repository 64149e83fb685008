"""The forms of the lifecycle pages: they parse input; the actions decide."""

from __future__ import annotations

import base64
import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kumokan.catalog.models import Provider
from kumokan.core.city_dates import CityDateField
from kumokan.core.forms import PersonChoiceField, declared
from kumokan.core.uploads import EvidenceFileField
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.access import responsible_candidates
from kumokan.lifecycle.choices import (
    AccountOutcome,
    DisposalMethod,
    OrderScope,
    OrderTrigger,
    RecheckResult,
    TaskStatus,
)
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.vocabulary import vocabulary


def members_of(municipality: Municipality) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, memberships__municipality=municipality)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class TaskForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say how it was confirmed, or why it does not apply or does not conform."),
    )
    evidence = EvidenceFileField(label=_("Evidence (optional)"), required=False)


class GateForm(forms.Form):
    """The open items required before operation that the person may record, confirmed several at once.

    Per task: a check box `t<pk>`, the version read `t<pk>-version`, and a file `t<pk>-evidence` where
    the pack names the evidence the item expects.
    """

    note = forms.CharField(
        label=_("How they were confirmed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with each item confirmed."),
    )

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            task = row["task"]
            if task is None or not row["may_record"]:
                continue
            self.fields[f"t{task.pk}"] = forms.BooleanField(label=task.text_in_language, required=False)
            self.fields[f"t{task.pk}-version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=task.version, required=False
            )
            if row["item"].get("evidence"):
                self.fields[f"t{task.pk}-evidence"] = EvidenceFileField(
                    label=_("Evidence (for example: %(hint)s)") % {"hint": row["item"]["evidence"]},
                    required=False,
                )
        for row in rows:
            task = row["task"]
            row["field"] = self[f"t{task.pk}"] if f"t{task.pk}" in self.fields else None
            row["version_field"] = self[f"t{task.pk}-version"] if row["field"] else None
            evidence = f"t{task.pk}-evidence" if task else ""
            row["evidence_field"] = self[evidence] if evidence in self.fields else None

    def chosen(self) -> list[tuple[Any, int, Any]]:
        """(task, version read, evidence file or None) for each item ticked."""
        data = self.cleaned_data
        return [
            (row["task"], data[f"t{row['task'].pk}-version"], data.get(f"t{row['task'].pk}-evidence"))
            for row in self.rows
            if row["field"] is not None and data.get(f"t{row['task'].pk}")
        ]


class AssignForm(forms.Form):
    responsible = PersonChoiceField(label=_("Responsible"), queryset=User.objects.none(), required=False)
    due_date = CityDateField(label=_("Due date"), required=False)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "responsible", PersonChoiceField).queryset = responsible_candidates(municipality)


class RecheckAnswerForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=RecheckResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=pgettext_lazy("re-check answer", "Report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was checked; if it does not conform, what does not."),
    )


class OrderForm(forms.Form):
    trigger = forms.ChoiceField(label=_("Reason for the order"), choices=OrderTrigger.choices)
    scope = forms.ChoiceField(
        label=_("Scope"), choices=OrderScope.choices, widget=forms.RadioSelect, initial=OrderScope.SERVICE
    )
    entry = forms.ModelChoiceField(label=_("Service"), queryset=LedgerEntry.objects.none(), required=False)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none(), required=False)
    details = forms.CharField(
        label=_("What is to be checked"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    due_date = CityDateField(label=_("Answer by"))

    def __init__(
        self,
        *args: Any,
        municipality: Municipality,
        entries: QuerySet[LedgerEntry],
        providers: QuerySet[Provider],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "entry", forms.ModelChoiceField).queryset = entries
        provider = declared(self, "provider", forms.ModelChoiceField)
        provider.queryset = providers
        # The provider as the city's rules name it (Kobe: 外部サービス提供者).
        provider.label = vocabulary(municipality).provider_label()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("scope") == OrderScope.SERVICE and not data.get("entry"):
            self.add_error("entry", _("Choose the service to re-check."))
        if data.get("scope") == OrderScope.PROVIDER and not data.get("provider"):
            self.add_error("provider", _("Choose the provider whose services are re-checked."))
        return data


class IncidentForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Service"), queryset=LedgerEntry.objects.none())
    title = forms.CharField(label=pgettext_lazy("incident", "Title"), max_length=200)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}))
    # The day as the city writes it (2027-04-01 or 令和9年4月1日, its 和暦 shown beside), not the browser's
    # mm/dd/yyyy picker; the time as 14:30. cleaned_data["occurred_at"] is the two together, in Tokyo time.
    occurred_on = CityDateField(label=_("Day it happened (if known)"), required=False)
    occurred_time = forms.TimeField(
        label=_("At what time (if known)"),
        required=False,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(
            format="%H:%M", attrs={"placeholder": "14:30", "size": 6, "autocomplete": "off"}
        ),
    )

    def __init__(self, *args: Any, entries: QuerySet[LedgerEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "entry", forms.ModelChoiceField).queryset = entries

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("occurred_on"), data.get("occurred_time")
        if time is not None and day is None and not self.has_error("occurred_on"):
            self.add_error("occurred_on", _("Give the day it happened with its time."))
        data["occurred_at"] = (
            timezone.make_aware(datetime.datetime.combine(day, time or datetime.time())) if day else None
        )
        return data


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolutionForm(forms.Form):
    resolution = forms.CharField(label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 3}))


class CorrectiveForm(forms.Form):
    description = forms.CharField(label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    deadline = CityDateField(label=_("Deadline"))

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "owner", PersonChoiceField).queryset = members_of(municipality)


class CloseCorrectiveForm(forms.Form):
    corrected = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Corrected")), ("no", _("Cannot be corrected: stop using the service"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}))


class TerminationRequestForm(forms.Form):
    reason = forms.CharField(label=_("Why the use ends"), widget=forms.Textarea(attrs={"rows": 3}))


class TerminationApprovalForm(forms.Form):
    note = forms.CharField(
        label=_("Note on the approval (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanForm(forms.Form):
    text = forms.CharField(
        label=_("Migration or termination plan"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    document = EvidenceFileField(label=_("Plan document (optional)"), required=False)


class NoticeForm(forms.Form):
    notified_on = CityDateField(label=_("Users notified on"))
    note = forms.CharField(
        label=_("How they were notified"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisposalForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Disposal method"), choices=DisposalMethod.choices, widget=forms.RadioSelect
    )
    key_backups_deleted = forms.BooleanField(
        label=_("Every backup of the encryption keys was deleted"), required=False
    )
    note = forms.CharField(
        label=_("Disposal record"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was disposed of, when, and the certificate received, if any."),
    )


class AccountsForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Result"), choices=AccountOutcome.choices, widget=forms.RadioSelect)


class CompletionForm(forms.Form):
    note = forms.CharField(label=_("Completion record"), widget=forms.Textarea(attrs={"rows": 3}))


class SettingsForm(forms.Form):
    default_recheck_interval_months = forms.IntegerField(
        label=_("Re-check interval where the rules state none (months)"), min_value=1, max_value=120
    )
    reminder_days = forms.IntegerField(
        label=_("Remind this many days before a due date"), min_value=0, max_value=365
    )
    triggered_recheck_days = forms.IntegerField(
        label=_("Days to answer a triggered re-check"), min_value=1, max_value=365
    )
    incident_procedure = forms.CharField(
        label=_("Incident handling procedure"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


MAX_PACK_BYTES = 1_000_000  # the largest shipped pack is about 60 kB


class PackUploadForm(forms.Form):
    file = forms.FileField(label=_("Revised pack (YAML)"))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PACK_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB; a pack is a few tens of kB."))
        try:
            text: str = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        return _unix_lines(text)


class PackAdoptForm(forms.Form):
    """The previewed text, sent back as base64: a browser rewrites line ends in a field's value."""

    text = forms.CharField(widget=forms.HiddenInput)
    digest = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(text: str, digest: str) -> dict[str, str]:
        return {"text": base64.b64encode(text.encode("utf-8")).decode("ascii"), "digest": digest}

    def clean_text(self) -> str:
        try:
            raw = base64.b64decode(self.cleaned_data["text"], validate=True)
            text = raw.decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise forms.ValidationError(_("The revision to adopt was not sent; upload it again.")) from None
        # The upload's limit holds here too: this text comes from the browser, not from the preview.
        if len(raw) > MAX_PACK_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB; a pack is a few tens of kB."))
        return text


def _unix_lines(text: str) -> str:
    return text.replace("\r\n", "\n")


class StepForm(forms.Form):
    """One status step (start operation, suspend, resume, retire), confirmed before it is taken."""

    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
