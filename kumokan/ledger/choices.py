from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryStatus(models.TextChoices):
    """A ledger entry's status. There is no 申請中: an entry exists only once its application is
    approved, and the application itself carries the under-review states."""

    APPROVED = "approved", _("承認済み（運用開始前）")
    IN_OPERATION = "in_operation", _("稼働中")
    SUSPENDED = "suspended", _("停止中")
    RETIRED = "retired", _("廃止済み")


class EntryStep(models.TextChoices):
    """What someone does to a ledger entry (workflow.TRANSITIONS)."""

    EDIT = "edit", _("変更")
    START_OPERATION = "start_operation", _("運用開始")
    SUSPEND = "suspend", _("利用停止")
    RESUME = "resume", _("利用再開")
    RETIRE = "retire", _("廃止")
