"""States and kinds of the life of an approved service: checklists, re-checks, incidents, termination."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kumokan.core.labels import PHASE_LABELS, engine_choices
from kumokan.ledger.choices import EntryStatus
from kumokan.policy.pack import Phase

# A service whose use has not ended: it may be re-checked, have incidents and be terminated.
ACTIVE_STATUSES = (EntryStatus.APPROVED, EntryStatus.IN_OPERATION, EntryStatus.SUSPENDED)

# The phases after approval whose checklist items become tasks: kumokan.policy.pack.Phase after selection,
# each named as on every other page (core.labels.PHASE_LABELS).
TaskPhase = engine_choices("TaskPhase", [phase for phase in Phase if phase != Phase.SELECTION], PHASE_LABELS)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    NONCONFORMING = "nonconforming", _("Nonconforming")


class RecheckTrigger(models.TextChoices):
    """Why a re-check is due: the pack's triggers, plus a revision of the pack itself."""

    PERIODIC = "periodic", _("Periodic check")
    ACCESS_REVIEW = "access_review", _("Access-right review")
    TERMS_CHANGED = "terms_changed", _("Terms of use changed")
    CONFIGURATION_CHANGED = "configuration_changed", _("Configuration changed")
    INCIDENT = "incident", _("Incident")
    VULNERABILITY = "vulnerability", _("Vulnerability information")
    PERSONNEL_CHANGE = "personnel_change", _("Personnel change")
    ORDERED = "ordered", _("Ordered check")
    PACK_REVISION = "pack_revision", _("Rules revised")
    # A certification the service was approved on runs out or is withdrawn (kumokan.lifecycle.lapses).
    CERTIFICATION_LAPSED = "certification_lapsed", _("Certification lapsing")


class OrderTrigger(models.TextChoices):
    """What the security manager may order a re-check for (Kobe §6.1, §6.3)."""

    TERMS_CHANGED = RecheckTrigger.TERMS_CHANGED.value, RecheckTrigger.TERMS_CHANGED.label
    CONFIGURATION_CHANGED = (
        RecheckTrigger.CONFIGURATION_CHANGED.value,
        RecheckTrigger.CONFIGURATION_CHANGED.label,
    )
    INCIDENT = RecheckTrigger.INCIDENT.value, RecheckTrigger.INCIDENT.label
    VULNERABILITY = RecheckTrigger.VULNERABILITY.value, RecheckTrigger.VULNERABILITY.label
    PERSONNEL_CHANGE = RecheckTrigger.PERSONNEL_CHANGE.value, RecheckTrigger.PERSONNEL_CHANGE.label
    ORDERED = RecheckTrigger.ORDERED.value, RecheckTrigger.ORDERED.label


class RecheckStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    CONFORMS = "conforms", _("Conforms")
    NONCONFORMING = "nonconforming", _("Does not conform")
    CANCELLED = "cancelled", _("Cancelled")


class RecheckResult(models.TextChoices):
    """The service manager's answer to a re-check."""

    CONFORMS = RecheckStatus.CONFORMS.value, RecheckStatus.CONFORMS.label
    NONCONFORMING = RecheckStatus.NONCONFORMING.value, RecheckStatus.NONCONFORMING.label


class OrderScope(models.TextChoices):
    SERVICE = "service", _("One service")
    PROVIDER = "provider", _("Every service of a provider")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answers")
    CLOSED = "closed", _("Closed")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    HANDLING = "handling", _("Being handled")
    CLOSED = "closed", _("Closed")


class CorrectiveStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    CORRECTED = "corrected", _("Corrected")
    UNCORRECTABLE = "uncorrectable", _("Cannot be corrected")


class TerminationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class TerminationStep(models.TextChoices):
    """The steps of ending a service's use, in the order they are usually done."""

    APPROVAL = "approval", _("Approval of the application to stop the use")
    PLAN = "plan", _("Migration or termination plan")
    NOTICE = "notice", _("Notice to users")
    DISPOSAL = "disposal", _("Disposal of the information")
    USER_ACCOUNTS = "user_accounts", _("Deletion of user accounts")
    ADMIN_ACCOUNTS = "admin_accounts", _("Deletion of administrator accounts")
    SPECIAL_ACCOUNTS = "special_accounts", _("Disposal of special accounts and their credentials")


class DisposalMethod(models.TextChoices):
    """How the information held on the service was disposed of."""

    CRYPTO_ERASE = "crypto_erase", _("Crypto-erase (encryption keys deleted)")
    PROVIDER_DELETION = "provider_deletion", _("Deleted by the provider (with a certificate)")
    OVERWRITE = "overwrite", _("Overwritten")
    DELETION = "deletion", _("Deleted by the municipality")
    NONE_HELD = "none_held", _("No information was held")


class AccountOutcome(models.TextChoices):
    DELETED = "deleted", _("Deleted")
    NONE_EXISTED = "none_existed", _("None existed")
