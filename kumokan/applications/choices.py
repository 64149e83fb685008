from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kumokan.core.labels import TRACK_LABELS, engine_choices
from kumokan.policy import facts, tracks


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Under review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")


# kumokan.policy.tracks.TRACKS as Django choices; each pack labels the tracks in its own words (the
# judgment's track_label), these generic labels stand where no pack speaks.
Track = engine_choices("Track", tracks.TRACKS, TRACK_LABELS)


class Answer(models.TextChoices):
    """An answer to one checklist item; accepted / mitigated only for items whose response is accept_or_mitigate."""

    CONFORMS = "conforms", _("Conforms")
    DOES_NOT_CONFORM = "does_not_conform", _("Does not conform")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    ACCEPTED = "accepted", _("Accepted")
    MITIGATED = "mitigated", _("Mitigated")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned")


class Step(models.TextChoices):
    """What someone does to an application: the actions of the state machine (workflow.TRANSITIONS)."""

    EDIT = "edit", _("Edit")
    SUBMIT = "submit", _("Submit")
    RESUBMIT = "resubmit", _("Resubmit")
    WITHDRAW = "withdraw", _("Withdraw")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RETURN = "return", _("Return")


class Party(models.TextChoices):
    """Who may take a step: the application's own applicant, or the approver routing names."""

    APPLICANT = "applicant", _("The applicant")
    APPROVER = "approver", _("Approver")


# kumokan.policy.facts.UserScope as Django choices: who uses the service.
UserScope = engine_choices(
    "UserScope",
    facts.UserScope,
    {
        facts.UserScope.ORGANISATION: _("Within the organisation"),
        facts.UserScope.DEPARTMENT: _("Within the department"),
        facts.UserScope.CITIZENS: _("Citizens and others"),
        facts.UserScope.CONTRACTORS: _("Contractors"),
    },
)
