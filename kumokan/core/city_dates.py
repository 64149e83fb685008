"""Date fields as the city writes dates: 2027-04-01 or 令和9年4月1日 (R9.4.1, 2027/4/1 …) are read by the one
reader of era dates (kumokan.core.wareki), and the 和暦 of the value is shown beside the field."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kumokan.core.punctuation import bracketed
from kumokan.core.wareki import DateFormatError, as_date, to_wareki, to_wareki_short
from kumokan.errors import as_sentence


def _day(value: Any) -> datetime.date | None:
    if not value:
        return None
    try:
        return as_date(value)
    except DateFormatError:
        return None


def wareki_of(value: Any) -> str:
    """令和9年4月1日 for a date (or a date's text), '' for anything else or a day before 昭和."""
    day = _day(value)
    if day is None:
        return ""
    try:
        return to_wareki(day)
    except DateFormatError:
        return ""


def city_date(value: Any) -> str:
    """A date as the city writes it, in the active language: 2027-04-01（令和9年4月1日）; — for none.

    An English page gives the era as staff abbreviate it, 2027-04-01 (R9.4.1): no Japanese on it.
    """
    if not value:
        return "—"
    era = wareki_of(value)
    if era and not (get_language() or "ja").startswith("ja"):
        day = _day(value)
        era = to_wareki_short(day) if day else ""
    iso = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"{iso}{bracketed(era)}" if era else iso


class CityDateInput(forms.TextInput):
    """A text box (not the browser's mm/dd/yyyy picker) showing the date as 2027-04-01, its 和暦 beside."""

    template_name = "core/widgets/city_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {
                # The example is the same date in the two ways the city writes it; only "or" is translated.
                "placeholder": format_lazy(_("{iso} or {wareki}"), iso="2027-04-01", wareki="令和9年4月1日"),
                "autocomplete": "off",
                "size": 18,
                **(attrs or {}),
            }
        )

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return value.isoformat()
        return super().format_value(value)  # type: ignore[no-any-return]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        era = wareki_of(value)
        context["widget"]["wareki"] = bracketed(era) if era else ""
        return context


class CityDateField(forms.DateField):
    """A date typed as 2027-04-01, 2027/4/1, 令和9年4月1日 or R9.4.1; refused in the reader's language."""

    widget = CityDateInput

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        try:
            return as_date(value)
        except DateFormatError as exc:
            raise ValidationError(as_sentence(exc.message), code="invalid") from None
