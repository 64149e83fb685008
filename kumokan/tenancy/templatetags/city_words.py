"""`{% city_words %}`: a page speaks the words of the municipality of what it shows (issue 17 point 1).

The navigation's context processor gives every page the words of the user's city (kumokan.home.
context_processors); someone with roles in two cities would read one city's words on the other's pages.
base.html calls this tag first, so the words follow the object the view put in the page: its
`municipality`, or that of the entry, application, procurement, incident… it shows. A page showing several
cities' objects, or none, keeps the words it was given.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model

from kumokan.tenancy.models import Municipality
from kumokan.tenancy.vocabulary import action_label, vocabulary

register = template.Library()

# How a shown object names its municipality: its own, or that of the entry or provider it belongs to
# (an incident, a re-check, a task; a certification).
_PATHS = (("municipality",), ("entry", "municipality"), ("provider", "municipality"))


def municipality_of(value: Any) -> Municipality | None:
    """The municipality of a municipality or of a model instance that belongs to one (None otherwise)."""
    if isinstance(value, Municipality):
        return value
    if not isinstance(value, Model):
        return None
    for path in _PATHS:
        found: Any = value
        try:
            for name in path:
                found = getattr(found, name, None)
        except ObjectDoesNotExist:
            continue
        if isinstance(found, Municipality):
            return found
    return None


def page_municipality(values: Any) -> Municipality | None:
    """The one municipality of the objects a page shows (None if none, or several)."""
    found = {m.pk: m for m in map(municipality_of, values) if m is not None}
    return next(iter(found.values())) if len(found) == 1 else None


@register.simple_tag(takes_context=True)
def city_words(context: template.Context) -> str:
    """Set `terms` to the words of the page's municipality, where it shows one city's object."""
    municipality = page_municipality(context.flatten().values())
    if municipality is not None:
        context["terms"] = vocabulary(municipality)
    return ""


@register.filter(name="action_label")
def audited_action(event: Any) -> str:
    """An audit record's action as people read it, in the words of the record's municipality."""
    return action_label(event.action, event.municipality)
