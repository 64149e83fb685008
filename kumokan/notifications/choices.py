from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    """What a notification tells its reader about."""

    SUBMITTED = "submitted", _("審査依頼")
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("却下")
    RETURNED = "returned", _("差戻し")
    WITHDRAWN = "withdrawn", _("取下げ")
    DESIGNATED = "designated", _("管理者の指名")
    LEDGER_CHANGED = "ledger_changed", _("台帳の変更")
    TASK_ASSIGNED = "task_assigned", _("Task assigned")
    RECHECK_DUE = "recheck_due", _("Re-check due")
    RECHECK_OVERDUE = "recheck_overdue", _("Re-check overdue")
    RECHECK_ORDERED = "recheck_ordered", _("Re-check ordered")
    RECHECK_ANSWERED = "recheck_answered", _("Re-check answered")
    INCIDENT = "incident", _("Incident")
    CORRECTIVE_ACTION = "corrective_action", _("Corrective action")
    TERMINATION = "termination", _("Termination")
    CERTIFICATION = "certification", _("Certification")
