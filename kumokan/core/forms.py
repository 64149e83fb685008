"""What the apps' forms share: a declared field typed for what a form sets on it at run time, and a
person chosen by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.contrib.auth.models import User

from kumokan.core.actors import display_name

_Field = TypeVar("_Field", bound=forms.Field)


def declared(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """The form's field `name` as the kind it is declared (a ChoiceField, a ModelChoiceField…), to set
    its choices or its queryset for this request; a field of another kind is a programming error."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


if TYPE_CHECKING:
    _UserChoiceField = forms.ModelChoiceField[User]
else:  # Django's fields take no type arguments at run time
    _UserChoiceField = forms.ModelChoiceField


class PersonChoiceField(_UserChoiceField):
    """One of some users, each named as Japanese documents write a person (display_name)."""

    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)
