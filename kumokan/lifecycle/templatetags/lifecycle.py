"""Badges for the states of a service's life (the badge's text names the state)."""

from __future__ import annotations

from django import template

register = template.Library()

_BADGES = {
    "open": "badge--pending",
    "confirmed": "badge--approved",
    "conforms": "badge--approved",
    "corrected": "badge--approved",
    "completed": "badge--approved",
    "closed": "badge--retired",
    "not_applicable": "badge--retired",
    "cancelled": "badge--retired",
    "nonconforming": "badge--rejected",
    "uncorrectable": "badge--rejected",
    "reported": "badge--warn",
    "handling": "badge--pending",
    "in_progress": "badge--pending",
}


@register.filter
def life_badge(state: str) -> str:
    """The CSS modifier of the badge for a task, re-check, order, incident or termination state."""
    return _BADGES.get(str(state), "")
