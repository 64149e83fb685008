from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What a city's other systems can be told about (issue 21: approval, rejection, the ledger
    entries' status changes and overdue re-checks). A value never changes once published."""

    APPLICATION_APPROVED = "application.approved", _("Application approved")
    APPLICATION_REJECTED = "application.rejected", _("Application rejected")
    LEDGER_ENTRY_STATUS_CHANGED = "ledger_entry.status_changed", _("Ledger entry status changed")
    RECHECK_OVERDUE = "recheck.overdue", _("Re-check overdue")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
