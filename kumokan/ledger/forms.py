"""The ledger's forms: the list's search and filters, the service manager's edit, a status step."""

from __future__ import annotations

import functools
from html import escape
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from kumokan.applications.choices import Track, UserScope
from kumokan.core.city_dates import CityDateField
from kumokan.core.forms import PersonChoiceField, declared
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import NOTE_MAX_LENGTH, LedgerEntry
from kumokan.ledger.search import matching
from kumokan.tenancy.access import eligible_service_managers
from kumokan.tenancy.models import Department, Municipality
from kumokan.tenancy.vocabulary import classification_labels, vocabulary

# Columns the list sorts by: the parameter's name → the ordering it means.
SORTS = {
    "service": ("service_name", "function_name"),
    "provider": ("provider_name",),
    "department": ("department__code",),
    "classification": ("classification_code",),
    "track": ("track",),
    "status": ("status",),
    "manager": ("service_manager_name",),
    "updated": ("updated_at",),
}
DEFAULT_SORT = "service"
ALL = [("", _("All"))]


class ManyOptionsSelect(forms.Select):
    """A select whose options are written in Python: hundreds of departments cost some 30 ms through
    Django's one template per option, a tenth of that here (BENCHMARKS.md, "Ledger list"); the list's
    small selects too (a template per option and per attribute was ~5 ms of its page, issue 18)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        chosen = set(self.format_value(value))
        # Each option escaped as format_html would, without its per-call machinery (170 departments).
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308 - every value and label escaped above
        )

    def use_required_attribute(self, initial: Any) -> bool:
        # Django asks this before the field's own `required`, and reads the choices to answer it.
        return self.is_required and super().use_required_attribute(initial)


class PlainInput(forms.TextInput):
    """A text input written in Python, as Django's input template writes it (two templates per input)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            flatatt(widget["attrs"]),
        )


class PlainHiddenInput(PlainInput):
    input_type = "hidden"


class LedgerFilterForm(forms.Form):
    """What the ledger list is narrowed and ordered by (all optional; GET parameters)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Service, provider or purpose"),
        widget=PlainInput(attrs={"type": "search"}),
    )
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, required=False, empty_value=None, widget=ManyOptionsSelect
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ALL + list(EntryStatus.choices), required=False, widget=ManyOptionsSelect
    )
    classification = forms.ChoiceField(label=_("Classification"), required=False, widget=ManyOptionsSelect)
    track = forms.ChoiceField(
        label=_("Track"), choices=ALL + list(Track.choices), required=False, widget=ManyOptionsSelect
    )
    # A text field, not a list: a shared deployment knows thousands of providers (the search box
    # finds part of a name; this narrows to one provider by its exact name).
    provider = forms.CharField(label=_("Provider"), required=False, max_length=200, widget=PlainInput)
    # The home page's "and N more" of the services one manages lands here (issue 17 point 7).
    mine = forms.BooleanField(label=_("Only the services I manage"), required=False)
    sort = forms.CharField(required=False, widget=PlainHiddenInput)

    def __init__(
        self,
        *args: Any,
        entries: QuerySet[LedgerEntry],
        municipalities: list[Municipality],
        reader: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reader = reader

        # Read when the choices are shown or a value is checked against them, not to narrow the list by
        # other filters (the API's list asks for neither: one query and the packs' adoptions fewer); read
        # once per form (a select asks for its first choice to decide on `required`, then for all).
        @functools.cache
        def departments() -> list[tuple[Any, Any]]:
            # The departments that have an entry the user sees: one index probe per department of the
            # user's municipalities, instead of reading every entry for its department.
            return ALL + list(
                Department.objects.filter(municipality__in=municipalities)
                .filter(Exists(entries.filter(department=OuterRef("pk"))))
                .order_by("municipality__name", "code")
                .values_list("pk", "name")
            )

        @functools.cache
        def classifications() -> list[tuple[Any, Any]]:
            # The classification scale of each municipality's pack (the codes an entry can carry).
            levels = {
                code: label
                for municipality in municipalities
                for code, label in classification_labels(municipality).items()
            }
            return ALL + list(levels.items())

        declared(self, "department", forms.TypedChoiceField).choices = departments
        declared(self, "classification", forms.ChoiceField).choices = classifications
        declared(self, "track", forms.ChoiceField).choices = functools.cache(
            lambda: ALL + track_choices(municipalities)
        )
        if len(municipalities) == 1:
            # The provider as the one city's rules name it (Kobe: 外部サービス提供者).
            self.fields["provider"].label = vocabulary(municipalities[0]).provider_label()

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or DEFAULT_SORT
        return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT

    def apply(self, entries: QuerySet[LedgerEntry], *, counting: bool = False) -> QuerySet[LedgerEntry]:
        """The entries narrowed by the valid filters and ordered by the chosen column; `counting`: in the
        form that counts them best (kumokan.ledger.search)."""
        data = self.cleaned_data if self.is_valid() else {}
        query = (data.get("q") or "").strip()
        if query:
            entries = matching(entries, query, counting=counting)
        if data.get("department"):
            entries = entries.filter(department_id=data["department"])
        for name, column in (
            ("status", "status"),
            ("classification", "classification_code"),
            ("track", "track"),
            ("provider", "provider_name"),
        ):
            if data.get(name):
                entries = entries.filter(**{column: data[name]})
        if data.get("mine") and self.reader is not None:
            entries = entries.filter(service_manager=self.reader)
        columns, descending = self.sort_columns()
        prefix = "-" if descending else ""
        # The id breaks ties in the same direction, so that one index serves both directions.
        return entries.order_by(*(prefix + column for column in columns))

    def sort_columns(self) -> tuple[list[str], bool]:
        """The columns the list is ordered by (the id last) and whether descending."""
        sort = self.ordering
        return [*SORTS[sort.lstrip("-")], "id"], sort.startswith("-")

    @property
    def ordering(self) -> str:
        """The sort in force (the column's name, "-" first when descending)."""
        return (self.cleaned_data.get("sort") if self.is_valid() else None) or DEFAULT_SORT


class EntryForm(forms.Form):
    """The service manager's edit of an entry: each change is versioned with its reason."""

    purpose = forms.CharField(label=_("Purpose of use"), widget=forms.Textarea(attrs={"rows": 3}))
    period_start = CityDateField(label=_("Start of use"), required=False)
    period_end = CityDateField(label=_("End of use"), required=False)
    user_scope = forms.ChoiceField(label=_("Users"), choices=UserScope.choices)
    user_scope_detail = forms.CharField(
        label=_("Users in detail"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    service_manager = PersonChoiceField(label=_("Service manager"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, entry: LedgerEntry, field_labels: dict[str, str], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "purpose": entry.purpose,
                "period_start": entry.period_start,
                "period_end": entry.period_end,
                "user_scope": entry.user_scope,
                "user_scope_detail": entry.user_scope_detail,
                "service_manager": entry.service_manager_id,
                "note": entry.note,
                "version": entry.version,
                **{f"field:{key}": value for key, value in entry.fields.items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.entry = entry
        managers = declared(self, "service_manager", PersonChoiceField)
        # The pack's rule for the entry's track; the current manager stays selectable, so that a change
        # of something else never forces a new designation (the action checks only a new manager).
        eligible = eligible_service_managers(entry.municipality, entry.department, entry.track)
        managers.queryset = (eligible | User.objects.filter(pk=entry.service_manager_id)).distinct()
        # The manager as the city's rules name the role (Kobe: 外部サービス管理者).
        managers.label = vocabulary(entry.municipality).service_manager
        for key in entry.fields:
            self.fields[f"field:{key}"] = forms.CharField(
                label=field_labels.get(key, key), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        # The reason comes last on the page.
        self.order_fields([name for name in self.fields if name not in ("reason", "version")] + ["reason"])

    def changes(self) -> dict[str, Any]:
        """What edit_entry takes: every editable value (the action records only what differs)."""
        data = self.cleaned_data
        changes: dict[str, Any] = {
            name: data[name]
            for name in (
                "purpose",
                "period_start",
                "period_end",
                "user_scope",
                "user_scope_detail",
                "service_manager",
                "note",
            )
        }
        if self.entry.fields:
            changes["fields"] = {key: data.get(f"field:{key}") or "" for key in self.entry.fields}
        return changes


def track_choices(municipalities: list[Municipality]) -> list[tuple[str, str]]:
    """The tracks as the one city's rules name them shortly (the list's badges: Kobe 機密性２以上); the
    product's labels for several cities or where the pack has no words."""
    short = vocabulary(municipalities[0]).track_short_labels if len(municipalities) == 1 else {}
    return [(str(track.value), short.get(track.value, str(track.label))) for track in Track]
