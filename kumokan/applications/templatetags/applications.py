"""Template helpers of the application pages."""

from __future__ import annotations

from django import template

from kumokan.applications.choices import Status

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    """An application's status code as its label (the audit trail stores codes)."""
    return str(Status(status).label) if status in Status.values else str(status)
