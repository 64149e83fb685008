from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Verb(models.TextChoices):
    """What a notification tells its reader about."""

    SUBMITTED = "submitted", _("Review requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")
    DESIGNATED = "designated", _("Service manager designated")
    LEDGER_CHANGED = "ledger_changed", _("Ledger entry changed")
    TASK_ASSIGNED = "task_assigned", _("Task assigned")
    RECHECK_DUE = "recheck_due", _("Re-check due")
    RECHECK_OVERDUE = "recheck_overdue", _("Re-check overdue")
    RECHECK_ORDERED = "recheck_ordered", _("Re-check ordered")
    RECHECK_ANSWERED = "recheck_answered", _("Re-check answered")
    INCIDENT = "incident", _("Incident")
    CORRECTIVE_ACTION = "corrective_action", _("Corrective action")
    TERMINATION = "termination", _("Termination")
    CERTIFICATION = "certification", _("Certification")
    WEBHOOK_DISABLED = "webhook_disabled", _("Webhook receiver turned off")
