"""The export choice, the upload, and the column mapping of a ledger import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kumokan.core.actors import display_name
from kumokan.core.forms import declared
from kumokan.core.spreadsheet import MAX_BYTES
from kumokan.documents.actions import NEW_DEPARTMENT
from kumokan.documents.choices import FileFormat
from kumokan.documents.ledger_import import MAX_ROW, UNASSIGNED
from kumokan.documents.ledger_table import Column
from kumokan.tenancy.access import eligible_service_managers
from kumokan.tenancy.models import Department, Municipality
from kumokan.tenancy.vocabulary import classification_labels, vocabulary

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ENCODING_CHOICES = [
    ("auto", _("Detect (UTF-8 or Shift_JIS)")),
    ("utf-8", _("UTF-8")),
    ("cp932", _("Shift_JIS (Windows)")),
]


class ExportForm(forms.Form):
    # Each by its name (Municipality.__str__).
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None, to_field_name="slug"
    )
    format = forms.ChoiceField(label=_("File format"), choices=FileFormat.choices, initial=FileFormat.XLSX)

    def __init__(self, *args: Any, municipalities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "municipality", forms.ModelChoiceField).queryset = Municipality.objects.filter(
            pk__in=[m.pk for m in municipalities]
        )


class UploadForm(forms.Form):
    # Each by its name (Municipality.__str__).
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None, to_field_name="slug"
    )
    file = forms.FileField(
        help_text=_("Headers in row 1, one entry per row from row 2. At most 10 MB."),
    )
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"), choices=ENCODING_CHOICES, initial="auto")

    def __init__(self, *args: Any, municipalities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "municipality", forms.ModelChoiceField).queryset = Municipality.objects.filter(
            pk__in=[m.pk for m in municipalities]
        )
        # The ledger as the city calls it (情報システム台帳): the first city's, as the page's heading.
        self.fields["file"].label = _("%(ledger)s file (.xlsx or .csv)") % {
            "ledger": vocabulary(municipalities[0] if municipalities else None).ledger
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size).1f MB); the limit is 10 MB.")
                % {"size": upload.size / 1024 / 1024}
            )
        return upload


class MappingForm(forms.Form):
    """One choice per header of the file: which ledger column it feeds, or none."""

    def __init__(
        self,
        data: Any = None,
        *,
        headers: list[str],
        columns: list[Column],
        mapping: dict[str, str] | None = None,
    ) -> None:
        super().__init__(data)
        choices = [("", _("(not imported)"))] + [(c.key, str(c.label)) for c in columns if c.imported]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=(mapping or {}).get(header, "")
            )

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data[f"column_{index}"] for index, header in enumerate(self.headers)}


class LayoutForm(forms.Form):
    """Which sheet of the file holds the ledger and which row is its header (blank: found by the check)."""

    sheet = forms.ChoiceField(label=_("Sheet"), required=False)
    header_row = forms.IntegerField(label=_("Header row"), required=False, min_value=1, max_value=MAX_ROW)

    def __init__(self, data: Any = None, *, sheets: list[str], initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        declared(self, "sheet", forms.ChoiceField).choices = [
            ("", _("(found by the check)")),
            *((name, name) for name in sheets),
        ]


class DecisionsForm(forms.Form):
    """One choice per value the check could not read by itself: the pack's level for a classification
    of another scale, an existing department or a new one for a department name not registered, an
    eligible person or nobody yet for a service manager's name that matches no account (or several)."""

    def __init__(
        self, data: Any = None, *, pending: dict[str, dict[str, dict[str, Any]]], municipality: Municipality
    ) -> None:
        super().__init__(data)
        pack = municipality.pack().pack
        assert pack.classification is not None
        choices: dict[str, list[tuple[str, StrOrPromise]]] = {
            "classification": [("", _("(choose)")), *classification_labels(municipality).items()],
            "department": [("", _("(choose)"))]
            + [(d.code, d.name) for d in Department.objects.filter(municipality=municipality)],
        }
        if pending.get("service_manager"):
            # Only the people tenancy.access says may be service manager, or nobody for now.
            choices["service_manager"] = [
                ("", _("(choose)")),
                *(
                    (str(person.pk), f"{display_name(person)} ({person.get_username()})")
                    for person in eligible_service_managers(municipality)
                ),
                (
                    UNASSIGNED,
                    _("Leave unassigned: the %(ledger)s shows the entry without a service manager")
                    % {"ledger": vocabulary(municipality).ledger.lower()},
                ),
            ]
        self.values: dict[str, tuple[str, str]] = {}
        for kind in ("classification", "department", "service_manager"):
            for index, found in enumerate(pending.get(kind, {}).values()):
                name = f"{kind}_{index}"
                kind_choices = list(choices[kind])
                if kind == "department":
                    kind_choices.append(
                        (NEW_DEPARTMENT, _("Add a department named “%(name)s”") % {"name": found["value"]})
                    )
                self.fields[name] = forms.ChoiceField(
                    label=found["value"],
                    choices=kind_choices,
                    help_text=_("%(count)d rows, e.g. row %(row)d")
                    % {"count": found["count"], "row": found["rows"][0]},
                )
                self.values[name] = (kind, found["value"])

    def decisions(self) -> dict[str, dict[str, str]]:
        decided: dict[str, dict[str, str]] = {}
        for name, (kind, value) in self.values.items():
            decided.setdefault(kind, {})[value] = self.cleaned_data[name]
        return decided

    def by_kind(self, kind: str) -> list[Any]:
        return [self[name] for name, (field_kind, _value) in self.values.items() if field_kind == kind]

    @property
    def classifications(self) -> list[Any]:
        return self.by_kind("classification")

    @property
    def departments(self) -> list[Any]:
        return self.by_kind("department")

    @property
    def service_managers(self) -> list[Any]:
        return self.by_kind("service_manager")
