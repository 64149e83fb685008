"""The forms of the catalogue: a certification, its renewal, withdrawal and evidence, and an ISMAP list upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kumokan.catalog.choices import ISMAP_KINDS, CertificationKind
from kumokan.catalog.models import Certification, CloudService, Provider
from kumokan.core.city_dates import CityDateField
from kumokan.core.forms import declared
from kumokan.core.uploads import EvidenceFileField

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
LIST_MAX_BYTES = 20 * 1024 * 1024


def _date(label: Any, help_text: Any = "") -> forms.DateField:
    return CityDateField(label=label, required=False, help_text=help_text)


class CertificationForm(forms.Form):
    """A certification of a provider; the fields that do not fit the kind are refused by the action."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CertificationKind.choices)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=50,
        required=False,
        help_text=_("For ISMAP, e.g. C21-0005-2."),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services covered"),
        queryset=CloudService.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every service of the provider. An ISMAP registration is of one service."),
    )
    audit_period_start = _date(_("Audit period from"), _("ISMAP and ISMAP-LIU only."))
    audit_period_end = _date(
        _("Audit period to"),
        _(
            "ISMAP and ISMAP-LIU: the registration is valid until 1 year 4 months after the day following this day."
        ),
    )
    valid_from = _date(_("Valid from"))
    valid_until = _date(_("Valid until"), _("For ISMAP, leave empty: it follows from the audit period."))
    report_period_start = _date(_("Report period from"), _("SOC 2 only."))
    report_period_end = _date(_("Report period to"), _("SOC 2 only."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "services", forms.ModelMultipleChoiceField).queryset = provider.services.order_by(
            "name", "function_name"
        )

    @classmethod
    def initial_for(cls, certification: Certification) -> dict[str, Any]:
        fields = [name for name in cls.base_fields if name not in ("services", "version")]
        initial = {name: getattr(certification, name) for name in fields}
        return initial | {"services": list(certification.services.all()), "version": certification.version}

    def values(self) -> dict[str, Any]:
        """What the actions take (the kind and version apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name not in ("kind", "version")}


class RenewalForm(forms.Form):
    applied_on = CityDateField(label=_("Renewal applied for on"))


class WithdrawForm(forms.Form):
    withdrawn_on = CityDateField(label=_("Withdrawn on"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    file = EvidenceFileField(label=_("Evidence file"))

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return file


class IsmapUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("List"),
        choices=[(kind.value, kind.label) for kind in ISMAP_KINDS],
        initial=CertificationKind.ISMAP,
    )
    file = forms.FileField(
        label=_("Cloud service list (.xlsx)"),
        help_text=_("The Excel file published on the ISMAP portal; the columns may be in any order."),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > LIST_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return file
