"""The ledger as a table: the columns that export writes and import reads, in one place.

Every exported column but 区分 (derived from the classification by the pack) is read back by the
import, so that exporting, importing into an empty municipality and exporting again gives the same file.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

from kumokan.applications.choices import Track, UserScope
from kumokan.catalog.choices import ServiceModel
from kumokan.core.spreadsheet import compare_key, without_qualifiers
from kumokan.ledger.actions import TYPED_FIELD_IDS
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import NOTE_MAX_LENGTH, LedgerEntry
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.vocabulary import vocabulary

Value = str | datetime.date | None


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    value: Callable[[LedgerEntry], Value]
    required: bool = False
    imported: bool = True
    max_length: int | None = None
    is_date: bool = False
    # The value is this choice's code, written as its label.
    choices: type[TextChoices] | None = None
    # Other labels it is known by: the pack's ledger field labels (Kitakyushu 5.2(1)④, Kobe 5.2.1⑤).
    aliases: tuple[str, ...] = ()
    # A column of the import only, holding two values in one cell: the columns it is split into.
    splits_into: tuple[str, ...] = ()
    # The label names what the city has its own word for (issue 17): this msgid, taking the words as
    # parameters; the label is in_words(wording, the municipality).
    wording: Promise | None = None

    def names(self) -> set[str]:
        """Every label this column is known by: its key, its label in each language (in the city's words
        and in the product's), and its aliases."""
        names = {self.key, str(self.label), *self.aliases}
        generic = in_words(self.wording, None) if self.wording is not None else self.label
        for language in ("ja", "en"):
            with override(language):
                names |= {str(self.label), str(generic)}
        return names

    def labels(self) -> set[str]:
        """Every header this column is recognised by as written (compared by header_key)."""
        return {header_key(name) for name in self.names()}

    def short_labels(self) -> set[str]:
        """The short forms of its labels: qualifiers in brackets left out, 「の」 and a trailing 「名称」
        dropped, 「名称」 as 「名」 (「クラウドサービスの名称（必要に応じて機能名までを含む）」 is also
        「クラウドサービス名」)."""
        return {short for name in self.names() for short in short_forms(name)}


def in_words(wording: Promise, municipality: Municipality | None) -> Promise:
    """A column's label in the active language, in the municipality's words (tenancy.vocabulary: Kobe's
    「外部サービスの名称」), or the product's without one (「クラウドサービスの名称」). The export writes it
    and the import recognises it: both through here."""
    return lazy(lambda: capfirst(str(wording) % vocabulary(municipality).as_params()), str)()


def worded(key: str, wording: Promise, value: Callable[[LedgerEntry], Value], **options: Any) -> Column:
    """A column whose label names what the city has its own word for, in the product's words until
    columns_for gives it the city's."""
    return Column(key, in_words(wording, None), value, wording=wording, **options)


def header_key(text: str) -> str:
    """A header as it is compared: NFKC, case-folded, without spaces, variant kanji as the common form."""
    return compare_key(text)


def short_forms(text: str) -> list[str]:
    """The short forms of a label or header, in the order they are tried."""
    bare = without_qualifiers(text)
    forms = [bare, bare.replace("の", "")]
    forms += [form.replace("名称", "名") for form in forms]
    forms += [form.removesuffix("名称") for form in forms if form.endswith("名称")]
    return list(dict.fromkeys(form for form in forms if form))


BASE_COLUMNS: tuple[Column, ...] = (
    Column("department", _("Department"), lambda e: e.department.name, required=True),
    worded(
        "service_name",
        pgettext_lazy("ledger column", "%(service)s"),
        lambda e: e.service_name,
        required=True,
        max_length=200,
    ),
    Column("function_name", _("Function"), lambda e: e.function_name, max_length=200),
    worded(
        "provider_name",
        pgettext_lazy("ledger column", "%(service)s provider"),
        lambda e: e.provider_name,
        required=True,
        max_length=200,
        # The English header until the city's words (issue 17): files exported then are still read.
        aliases=("Provider",),
    ),
    Column("service_model", _("Service model"), lambda e: e.service.service_model, choices=ServiceModel),
    Column("purpose", _("Purpose (business)"), lambda e: e.purpose, required=True),
    Column(
        "classification",
        _("Classification of the information"),
        lambda e: e.classification_label,
        required=True,
    ),
    Column("track", _("Track"), lambda e: e.track, imported=False, choices=Track),
    Column("period_start", _("Start of use"), lambda e: e.period_start, is_date=True),
    Column("period_end", _("End of use"), lambda e: e.period_end, is_date=True),
    Column(
        "applicant_department_name",
        _("Applicant's department"),
        lambda e: e.applicant_department_name,
        max_length=100,
    ),
    Column("applicant_name", _("Applicant's name"), lambda e: e.applicant_name, max_length=150),
    Column("user_scope", _("Scope of users"), lambda e: e.user_scope, choices=UserScope),
    Column("user_scope_detail", _("Scope of users (detail)"), lambda e: e.user_scope_detail),
    worded(
        "service_manager_department_name",
        pgettext_lazy("ledger column", "%(service_manager)s's department"),
        lambda e: e.service_manager_department_name,
        max_length=100,
    ),
    worded(
        "service_manager_title",
        pgettext_lazy("ledger column", "%(service_manager)s's title"),
        lambda e: e.service_manager_title,
        max_length=100,
    ),
    worded(
        "service_manager_name",
        pgettext_lazy("ledger column", "%(service_manager)s's name"),
        lambda e: e.service_manager_name,
        max_length=150,
    ),
    Column("approver_title", _("Approver"), lambda e: e.approver_title, max_length=100),
    # A moment, written as its date in the active time zone.
    Column("approved_on", _("Date of approval"), lambda e: e.approved_at, is_date=True),
    Column("status", _("Status"), lambda e: e.status, choices=EntryStatus),
    # 備考: kept ledgers have it under several names (Kitakyushu's sample ledgers, our fixtures).
    Column(
        "note", _("Notes"), lambda e: e.note, aliases=("備考", "摘要", "Remarks"), max_length=NOTE_MAX_LENGTH
    ),
)


def columns_for(municipality: Municipality) -> list[Column]:
    """The base columns in the city's words, then one per ledger field of the pack that has no column
    of its own (Kitakyushu's その他必要な項目), headed by the pack's label."""
    extra = [
        Column(f"fields.{field.id}", field.label, _field_getter(field.id))
        for field in municipality.pack().pack.ledger_fields
        if field.id not in TYPED_FIELD_IDS
    ]
    return [*(_in_city_words(column, municipality) for column in BASE_COLUMNS), *extra]


def _in_city_words(column: Column, municipality: Municipality) -> Column:
    if column.key == "track":
        return dataclasses.replace(column, value=_track_words(municipality), choices=None)
    if column.wording is None:
        return column
    return dataclasses.replace(column, label=in_words(column.wording, municipality))


def _track_words(municipality: Municipality) -> Callable[[LedgerEntry], Value]:
    """An entry's track as the city's rules name it, shortly (Kobe 機密性２以上, 5.3; tenancy.vocabulary), as
    the pages' badges; the product's label where the pack has none, and in English. Read once per export,
    in the language active then. The import derives the track from the classification and reads
    neither form."""
    labels: dict[str, str] = {}

    def value(entry: LedgerEntry) -> Value:
        if not labels:
            short = vocabulary(municipality).track_short_labels
            labels.update({str(track.value): short.get(track.value, str(track.label)) for track in Track})
        return labels[entry.track]

    return value


def _no_value(entry: LedgerEntry) -> Value:
    return None


# Columns a kept ledger has that the export writes as two: the seed's own ledger items hold two
# values in one cell (Kitakyushu 5.2(1)④(オ)(カ)(ク), Kobe 5.2.1⑤オ・カ・ク).
COMBINED_COLUMNS: tuple[Column, ...] = (
    Column("period", _("Period of use"), _no_value, splits_into=("period_start", "period_end")),
    Column(
        "applicant",
        _("Applicant (department and name)"),
        _no_value,
        splits_into=("applicant_department_name", "applicant_name"),
    ),
    worded(
        "service_manager",
        pgettext_lazy("ledger column", "%(service_manager)s (department and title)"),
        _no_value,
        splits_into=("service_manager_department_name", "service_manager_title"),
    ),
)


def import_columns_for(municipality: Municipality) -> list[Column]:
    """The columns an import recognises: columns_for, known also by the pack's ledger field labels, and
    the combined columns."""
    # Each typed ledger field id of the pack (ledger.actions.TYPED_FIELD_IDS) is a column's key.
    aliases: dict[str, list[str]] = {}
    for field in municipality.pack().pack.ledger_fields:
        if field.id in TYPED_FIELD_IDS:
            aliases.setdefault(field.id, []).append(field.label)
    combined = [_in_city_words(column, municipality) for column in COMBINED_COLUMNS]
    return [
        dataclasses.replace(column, aliases=(*column.aliases, *aliases.get(column.key, ())))
        for column in (*columns_for(municipality), *combined)
    ]


def _field_getter(field_id: str) -> Callable[[LedgerEntry], Value]:
    def value(entry: LedgerEntry) -> Value:
        return str(entry.fields.get(field_id, ""))

    return value


# A cell beginning with one of these is a formula to a spreadsheet (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; the import removes it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def row_maker(columns: list[Column]) -> Callable[[LedgerEntry], list[Any]]:
    """A function giving one entry's cells: choices by their label in the active language, moments
    as dates in the active time zone, both looked up once here rather than once per cell (an export
    of 100,000 entries would otherwise ask for them half a million times)."""
    zone = timezone.get_current_timezone()
    labels = {
        column.key: {str(choice.value): str(choice.label) for choice in column.choices}
        for column in columns
        if column.choices is not None
    }

    def row(entry: LedgerEntry) -> list[Any]:
        values = []
        for column in columns:
            value = column.value(entry)
            if column.choices is not None:
                value = labels[column.key][value]
            elif isinstance(value, datetime.datetime):
                value = timezone.localtime(value, zone).date()
            values.append(escape_formula(value) if isinstance(value, str) else value)
        return values

    return row
