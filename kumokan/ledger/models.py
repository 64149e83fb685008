"""The ledger (台帳) of approved cloud services, and the history of every change to an entry."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kumokan.applications.choices import Track, UserScope
from kumokan.core.constraints import one_of, use_period_ordered, version_counts_from_one
from kumokan.errors import restored
from kumokan.ledger.choices import EntryStatus
from kumokan.tenancy.vocabulary import classification_labels

# A remark, not a document: the longest 備考 a person or a file may give an entry.
NOTE_MAX_LENGTH = 2000


class LedgerEntry(models.Model):
    """One approved cloud service, with the columns every pack's ledger asks for.

    Names and titles are copied at registration so the ledger reads as it was recorded even after
    people move; `fields` holds any other ledger field a pack requires, by the pack's field id.
    """

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("Municipality"),
    )
    department = models.ForeignKey(
        "tenancy.Department",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("Department"),
    )
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="ledger_entry",
        verbose_name=_("Approved application"),
    )
    service = models.ForeignKey(
        "catalog.CloudService",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("cloud service"),
    )
    service_name = models.CharField(_("Service name"), max_length=200)
    function_name = models.CharField(_("Function"), max_length=200, blank=True)
    provider_name = models.CharField(_("Provider"), max_length=200)
    purpose = models.TextField(_("Purpose (business)"))
    classification_code = models.CharField(_("Classification (code)"), max_length=20)
    classification_label = models.CharField(_("Classification of the information"), max_length=100)
    track = models.CharField(_("Track"), max_length=10, choices=Track.choices)
    period_start = models.DateField(_("Start of use"), null=True, blank=True)
    period_end = models.DateField(_("End of use"), null=True, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Applicant")
    )
    applicant_name = models.CharField(_("Applicant's name"), max_length=150)
    applicant_department_name = models.CharField(_("Applicant's department"), max_length=100)
    user_scope = models.CharField(_("Scope of users"), max_length=20, choices=UserScope.choices)
    user_scope_detail = models.TextField(_("Scope of users (detail)"), blank=True)
    service_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_entries",
        verbose_name=_("Service manager"),
    )
    service_manager_name = models.CharField(_("Service manager's name"), max_length=150)
    service_manager_title = models.CharField(_("Service manager's title"), max_length=100, blank=True)
    service_manager_department_name = models.CharField(
        _("Service manager's department"), max_length=100, blank=True
    )
    # An imported row named a service manager who has no account here, and it was decided to import it
    # unassigned (kumokan.documents.ledger_import.UNASSIGNED): the name stays as written, the importing
    # administrator holds the entry, and the ledger shows it until someone is designated (edit_entry).
    service_manager_unassigned = models.BooleanField(_("Service manager unassigned"), default=False)
    approver_title = models.CharField(_("Approver"), max_length=100)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Approved by")
    )
    approved_at = models.DateTimeField(_("Approved at"))
    fields = models.JSONField(_("Other notes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # The ledger's own remarks column (備考), which kept ledgers carry beside the seeds' items; at most
    # NOTE_MAX_LENGTH characters wherever it is written (the edit form, the API, an imported file).
    note = models.TextField(_("Notes"), blank=True, default="")
    status = models.CharField(
        _("Status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.APPROVED
    )
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(_("Registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated at"), default=timezone.now)
    operation_started_at = models.DateTimeField(_("Operation started at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("Retired at"), null=True, blank=True)
    # An imported entry's identity (its department, provider, service and function as compared,
    # hashed): unique, so that two imports at once cannot both create it. NULL for approved entries.
    import_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["service_name", "function_name", "id"]
        constraints = [
            one_of("status", EntryStatus),
            use_period_ordered(),
            version_counts_from_one(),
            models.UniqueConstraint(
                fields=["municipality", "import_key"],
                name="%(app_label)s_%(class)s_unique_import",
                violation_error_message=_("This entry has been imported already."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_retired_has_date",
                condition=~Q(status=EntryStatus.RETIRED) | Q(retired_at__isnull=False),
                violation_error_message=_("A retired entry needs the time it was retired."),
            ),
        ]
        # One index per sortable column of the list, in the list's order with the id last, so that a
        # page (or a cursor's next page) is an index range, not a sort of every entry; the department
        # one also orders a department's own list. Chosen from the plans in BENCHMARKS.md.
        indexes = [
            models.Index(
                fields=["municipality", "service_name", "function_name", "id"],
                name="ledger_entry_service_idx",
            ),
            models.Index(
                fields=["municipality", "department", "service_name", "function_name", "id"],
                name="ledger_entry_department_idx",
            ),
            models.Index(fields=["municipality", "provider_name", "id"], name="ledger_entry_provider_idx"),
            models.Index(fields=["municipality", "status", "id"], name="ledger_entry_status_idx"),
            models.Index(fields=["municipality", "track", "id"], name="ledger_entry_track_idx"),
            models.Index(fields=["municipality", "classification_code", "id"], name="ledger_entry_class_idx"),
            models.Index(
                fields=["municipality", "service_manager_name", "id"], name="ledger_entry_manager_name_idx"
            ),
            models.Index(fields=["municipality", "updated_at", "id"], name="ledger_entry_updated_idx"),
            models.Index(fields=["municipality", "service_manager"], name="ledger_entry_manager_idx"),
            # The entries a person manages or applied for beyond their roles' reach (ledger.access,
            # on every list, dashboard and home page): the reach is checked in the index, so a manager
            # of thousands of entries in their own department costs no row reads. The id last, as
            # PostgreSQL reads it from the index only if the index holds it; the status for the home
            # page's count of the services a manager has in use.
            models.Index(
                fields=["service_manager", "municipality", "department", "status", "id"],
                name="ledger_entry_own_manager_idx",
            ),
            models.Index(
                fields=["applicant", "municipality", "department", "id"],
                name="ledger_entry_own_applicant_idx",
            ),
            # Counts the list's filters from the index alone, whichever of them are set.
            models.Index(
                fields=["municipality", "status", "track", "classification_code", "department"],
                name="ledger_entry_filters_idx",
            ),
            # The same for one department: the dashboard's counts for those who see their department only.
            models.Index(
                fields=["municipality", "department", "status", "track", "classification_code"],
                name="ledger_entry_dept_counts_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_name}（{self.function_name}）" if self.function_name else self.service_name

    def get_absolute_url(self) -> str:
        return reverse("ledger:detail", args=[self.pk])

    @property
    def classification_text(self) -> str:
        """The classification as the reader reads it (tenancy.vocabulary.classification_labels: the pack's
        English on an English page), else the label kept when the entry was made."""
        return classification_labels(self.municipality).get(
            self.classification_code, self.classification_label
        )


class LedgerChange(models.Model):
    """One versioned change of a ledger entry: the changed fields before and after, and why."""

    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, related_name="changes", verbose_name=_("Ledger")
    )
    entry_version = models.PositiveIntegerField(_("Version after the change"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Changed by"),
    )
    changed_by_name = models.CharField(_("Name of who changed it"), max_length=150)
    changed_at = models.DateTimeField(_("Changed at"), default=timezone.now)
    before = models.JSONField(_("Before"), encoder=DjangoJSONEncoder)
    after = models.JSONField(_("After"), encoder=DjangoJSONEncoder)
    # Why: what the person typed, kept as typed; or, for a reason the system gives (a step's label, a
    # corrective action that cannot be corrected), its English msgid and parameters, translated when read
    # (kumokan.errors.stored). One of the two.
    reason = models.TextField(_("Reason"), blank=True)
    reason_msgid = models.TextField(_("Reason (message id)"), blank=True)
    reason_context = models.CharField(_("Reason (message context)"), max_length=100, blank=True)
    reason_params = models.JSONField(_("Reason (message parameters)"), default=dict, blank=True)

    class Meta:
        # One row is one change; together they are the entry's change history (台帳の変更履歴).
        verbose_name = _("ledger entry change")
        verbose_name_plural = _("ledger entry changes")
        ordering = ["entry", "-entry_version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason="") | Q(reason_msgid=""),
                name="%(app_label)s_%(class)s_one_reason",
                violation_error_message=_("A change has either a typed reason or a generated one."),
            ),
            models.UniqueConstraint(
                fields=["entry", "entry_version"],
                name="%(app_label)s_%(class)s_unique_version",
                violation_error_message=_("This version of the entry's history already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} v{self.entry_version}"

    @property
    def reason_text(self) -> str | Promise:
        """Why, in the reader's language when the system gave the reason; a person's reason as typed."""
        if not self.reason_msgid:
            return self.reason
        return restored(
            {"msgid": self.reason_msgid, "context": self.reason_context, "params": self.reason_params}
        )


class EntryCount(models.Model):
    """How many entries of a municipality are in each status, track, classification and department.

    Kept by the ledger actions in the transaction that changes an entry (kumokan.ledger.counts), so that
    the dashboard reads a few rows instead of counting every entry; `manage.py recount_ledger` recounts
    from the entries and repairs any drift.
    """

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("tenancy.Department", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=EntryStatus.choices)
    track = models.CharField(max_length=10, choices=Track.choices)
    classification_code = models.CharField(max_length=20)
    entries = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("ledger count")
        verbose_name_plural = _("ledger counts")
        constraints = [
            # Also the key of the actions' upsert (ON CONFLICT) and the index the dashboard reads.
            models.UniqueConstraint(
                fields=["municipality", "department", "status", "track", "classification_code"],
                name="%(app_label)s_%(class)s_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.department_id}/{self.status}/{self.track}/{self.classification_code}"
