"""The life of an approved service: phase checklists, re-checks, incidents, corrective actions, termination.

One module a subject; every model is imported from here (Django and the migrations find them here)."""

from kumokan.lifecycle.models.calendar import CalendarFeed, new_feed_token
from kumokan.lifecycle.models.common import Versioned
from kumokan.lifecycle.models.configuration import LifecycleSettings
from kumokan.lifecycle.models.corrective import CorrectiveAction
from kumokan.lifecycle.models.incidents import Incident, IncidentNote
from kumokan.lifecycle.models.rechecks import Recheck, RecheckOrder
from kumokan.lifecycle.models.tasks import ChecklistTask
from kumokan.lifecycle.models.termination import Termination

__all__ = [
    "CalendarFeed",
    "ChecklistTask",
    "CorrectiveAction",
    "Incident",
    "IncidentNote",
    "LifecycleSettings",
    "Recheck",
    "RecheckOrder",
    "Termination",
    "Versioned",
    "new_feed_token",
]
