"""The values the municipality's rules leave open (re-check interval, reminders, incident procedure)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, is_system
from kumokan.errors import WorkflowError
from kumokan.lifecycle.models import (
    LifecycleSettings,
)
from kumokan.tenancy.permissions import Capability, can


def configure_lifecycle(
    *,
    acting_user: Actor,
    municipality: Any,
    default_recheck_interval_months: int,
    reminder_days: int,
    triggered_recheck_days: int,
    incident_procedure: str,
) -> LifecycleSettings:
    """Set the values the municipality's rules leave open (the administrator)."""
    if not is_system(acting_user) and not can(acting_user, Capability.CONFIGURE_LIFECYCLE, municipality):
        raise PermissionDenied(_("Only an administrator of the municipality may change these settings."))
    if default_recheck_interval_months < 1 or reminder_days < 0 or triggered_recheck_days < 1:
        raise WorkflowError(
            gettext_lazy("the interval must be at least one month, the answer time at least one day"),
            code="settings",
        )
    fields = (
        "default_recheck_interval_months",
        "reminder_days",
        "triggered_recheck_days",
        "incident_procedure",
    )
    with transaction.atomic():
        current, _created = LifecycleSettings.objects.select_for_update().get_or_create(
            municipality=municipality
        )
        before = state_of(current, *fields)
        current.default_recheck_interval_months = default_recheck_interval_months
        current.reminder_days = reminder_days
        current.triggered_recheck_days = triggered_recheck_days
        current.incident_procedure = incident_procedure.strip()
        current.updated_at = timezone.now()
        after = state_of(current, *fields)
        if before == after and not _created:
            raise WorkflowError(
                gettext_lazy("the settings are unchanged"),
                code="unchanged",
            )
        current.save()
        record(acting_user, Action.LIFECYCLE_SETTINGS, current, before, after, municipality=municipality)
    return current
