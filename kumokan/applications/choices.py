from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("審査中")
    RETURNED = "returned", _("差戻し")
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("却下")
    WITHDRAWN = "withdrawn", _("取下げ")


class Track(models.TextChoices):
    """The engine's two tracks; each pack labels them in its own words (the judgment's track_label)."""

    HIGH = "high", _("重要な情報を取り扱う")
    LOW = "low", _("重要な情報を取り扱わない")


class Answer(models.TextChoices):
    """An answer to one checklist item; accepted / mitigated only for items whose response is accept_or_mitigate."""

    CONFORMS = "conforms", _("適合")
    DOES_NOT_CONFORM = "does_not_conform", _("不適合")
    NOT_APPLICABLE = "not_applicable", _("該当なし")
    ACCEPTED = "accepted", _("受容")
    MITIGATED = "mitigated", _("低減")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("却下")
    RETURNED = "returned", _("差戻し")


class Step(models.TextChoices):
    """What someone does to an application: the actions of the state machine (workflow.TRANSITIONS)."""

    EDIT = "edit", _("修正")
    SUBMIT = "submit", _("申請")
    RESUBMIT = "resubmit", _("再申請")
    WITHDRAW = "withdraw", _("取下げ")
    APPROVE = "approve", _("承認")
    REJECT = "reject", _("却下")
    RETURN = "return", _("差戻し")


class Party(models.TextChoices):
    """Who may take a step: the application's own applicant, or the approver routing names."""

    APPLICANT = "applicant", _("申請者本人")
    APPROVER = "approver", _("許可権限者")


class UserScope(models.TextChoices):
    """kumokan.policy.facts.UserScope: who uses the service."""

    ORGANISATION = "organisation", _("自組織の関係者内")
    DEPARTMENT = "department", _("所属内")
    CITIZENS = "citizens", _("市民等")
    CONTRACTORS = "contractors", _("委託先等")
