from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EntryStatus(models.TextChoices):
    """A ledger entry's status. There is no 申請中: an entry exists only once its application is
    approved, and the application itself carries the under-review states."""

    APPROVED = "approved", _("Approved (not yet in operation)")
    IN_OPERATION = "in_operation", _("In operation")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", pgettext_lazy("status", "Retired")


class EntryStep(models.TextChoices):
    """What someone does to a ledger entry (workflow.TRANSITIONS)."""

    EDIT = "edit", _("Change")
    START_OPERATION = "start_operation", _("Start operation")
    SUSPEND = "suspend", _("Suspend use")
    RESUME = "resume", _("Resume use")
    RETIRE = "retire", _("Retire")
