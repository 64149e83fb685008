"""Applications to use a cloud service, the engine's judgment of each, checklist answers and decisions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kumokan.applications.choices import Answer, Outcome, Status, Track
from kumokan.core.answers import AnsweredItem, finding_key, one_per_item, pack_item_key, valid_answer
from kumokan.core.constraints import one_of, use_period_ordered, version_counts_from_one
from kumokan.core.private_files import PrivateFileField
from kumokan.errors import typed_then_given
from kumokan.policy import Judgment


class Application(models.Model):
    """One application (利用申請, 申請書兼許可書) to use one cloud service (one function, where required)."""

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("municipality"),
    )
    department = models.ForeignKey(
        "tenancy.Department",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("department"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    service = models.ForeignKey(
        "catalog.CloudService",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("cloud service"),
    )
    # The facts of CONTRACT.md, as validated by the engine (kumokan.policy.facts.Facts).
    facts = models.JSONField(_("facts (for the judgment)"))
    business_scope = models.TextField(_("business scope"), blank=True)
    period_start = models.DateField(_("start of use"), null=True, blank=True)
    period_end = models.DateField(_("end of use"), null=True, blank=True)
    user_scope_detail = models.TextField(_("scope of users (details)"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # A note kumokan gave (an imported row's file and row), kept as its msgid: kumokan.errors.stored.
    system_note = models.JSONField(_("note given by the system"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Kobe §5.3: a contractor (the applicant here) submits the requirement sheet for a service it uses on
    # the city's behalf, and the commissioning department's 情報管理者等 confirm it (routing.may_decide).
    submitted_by_contractor = models.BooleanField(
        _("submitted by a contractor"), default=False, editable=False
    )
    # Raised by every change; a decision names the version it was made on (optimistic concurrency).
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Not a column: the current judgment that kumokan.applications.access.awaiting_decision_by gives each
    # application of the approval queue (read without its documents), for the queue to show the track.
    queue_snapshot: JudgmentSnapshot

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at", "-id"]
        constraints = [
            one_of("status", Status),
            use_period_ordered(),
            version_counts_from_one(),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="applications_status_idx"),
            models.Index(fields=["municipality", "department"], name="applications_department_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service}（{self.department}）"

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if (
            self.department_id
            and self.municipality_id
            and self.department.municipality_id != self.municipality_id
        ):
            raise ValidationError({"department": _("The department does not belong to the municipality.")})

    @property
    def notes_text(self) -> str | Promise:
        """The notes as typed, then the note kumokan gave (if any) in the reader's language."""
        return typed_then_given(self.notes, self.system_note)

    @property
    def judgment(self) -> JudgmentSnapshot | None:
        """The current judgment: the latest snapshot (with its judgment document)."""
        return self.snapshots.select_related("document").order_by("-id").first()

    @property
    def functions(self) -> list[str]:
        return list(self.facts.get("functions", []))


class JudgmentDocument(models.Model):
    """One judgment as the engine gave it (some 40–60 kB of JSON), stored once per municipality and
    shared by every snapshot that has exactly this content: the applications of one kind (the same
    packs in the same versions, the same facts that the packs' conditions read) are judged alike, and
    an imported ledger of 10,000 rows has a handful of kinds. Never changed once written."""

    # Indexed by the unique constraint below, which begins with it.
    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("municipality"),
    )
    # SHA-256 of the judgment's canonical JSON (judgment_digest). The judgment names its packs with
    # their versions and digests, so one digest is one pack version's judgment.
    digest = models.CharField(_("digest"), max_length=64)
    judgment = models.JSONField(_("judgment"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("judgment document")
        verbose_name_plural = _("judgment documents")
        constraints = [
            # Two imports (or approvals) storing the same judgment at once keep one row: the second
            # insert waits for the first and then finds it (judging.judgment_documents).
            models.UniqueConstraint(
                fields=["municipality", "digest"],
                name="%(app_label)s_%(class)s_unique_digest",
                violation_error_message=_("This judgment is already stored."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.digest[:12]} ({self.judgment.get('track_label', '')})"


def judgment_digest(judgment: Mapping[str, object]) -> str:
    """The content digest of a judgment: SHA-256 of its JSON with sorted keys, as UTF-8."""
    text = json.dumps(judgment, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class JudgmentSnapshot(models.Model):
    """The engine's judgment of the application's facts at one moment, kept so that an old decision
    stays explainable after the rules change. A new one is stored whenever the facts or packs change.

    The judgment itself is a shared JudgmentDocument; snapshots stored before documents existed keep
    theirs in the row (`inline_judgment`) and read the same through `judgment`.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("application")
    )
    facts = models.JSONField(_("judged facts"))
    document = models.ForeignKey(
        JudgmentDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snapshots",
        verbose_name=_("judgment"),
    )
    inline_judgment = models.JSONField(
        _("judgment (stored in the row)"), null=True, blank=True, db_column="judgment"
    )
    packs = models.JSONField(_("packs (id, version, digest)"))
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    # Who decides: the pack's approver role, or the municipality's setting where the seed names none;
    # NULL when neither names anyone (submission is then refused).
    approver_role = models.CharField(_("approver role"), max_length=30, null=True, blank=True)  # noqa: DJ001
    approver_title = models.CharField(_("approver"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("judged at"), default=timezone.now)

    class Meta:
        verbose_name = _("judgment")
        verbose_name_plural = _("judgments")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_has_judgment",
                condition=Q(document__isnull=False) | Q(inline_judgment__isnull=False),
                violation_error_message=_("A judgment snapshot needs its judgment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def judgment(self) -> Judgment:
        """The judgment document (shared), or the one stored in the row by an older version (a stored
        judgment may lack the keys added to the contract since: read those with .get())."""
        if self.document_id is not None:
            return self.document.judgment
        return self.inline_judgment

    @property
    def self_approval(self) -> bool:
        # A snapshot read without its judgment document (the approval queue) carries the flag instead.
        flag = self.__dict__.get("self_approval_flag")
        if flag is not None:
            return bool(flag)
        return bool(self.judgment.get("self_approval"))

    def items(self, phase: str | None = None) -> list[dict[str, Any]]:
        """Checklist items of the judgment (of one phase, if given), each with its phase and pack."""
        checklists = self.judgment["checklists"]
        phases = [phase] if phase is not None else list(checklists)
        return [item for name in phases for item in checklists.get(name, [])]

    def item(self, pack_id: str, item_id: str) -> dict[str, Any] | None:
        for item in self.items():
            if item["pack"] == pack_id and item["id"] == item_id:
                return item
        return None

    def findings(self, severity: str | None = None) -> list[dict[str, Any]]:
        return [f for f in self.judgment["findings"] if severity is None or f["severity"] == severity]


# The longest explanation of an answer or a finding, in characters: room for a page or two of reasons,
# not for a megabyte pasted into every page, PDF and export that shows it.
EXPLANATION_MAX_LENGTH = 2000


class ChecklistAnswer(AnsweredItem):
    """The applicant's (or later the service manager's) answer to one checklist item."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="answers", verbose_name=_("application")
    )
    item_id = models.CharField(_("checklist item"), max_length=100)
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices)
    note = models.TextField(_("explanation"), blank=True, max_length=EXPLANATION_MAX_LENGTH)
    evidence = PrivateFileField(_("evidence"), blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["application", "pack_id", "item_id"]
        constraints = [
            one_per_item("application", _("This checklist item already has an answer.")),
            valid_answer(Answer),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.get_answer_display()}"

    def private_folders(self) -> tuple[object, ...]:
        """municipality/application (kumokan.core.private_files)."""
        return (self.application.municipality.slug, self.application_id)


class FindingExplanation(models.Model):
    """The applicant's explanation of one finding, required before submitting for each blocking one."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="explanations", verbose_name=_("application")
    )
    pack_id = models.CharField(_("pack"), max_length=50)
    code = models.CharField(_("finding"), max_length=100)
    # Every pack whose finding of this code the explanation answered: a city pack and an overlay that
    # raise one code are one finding with both sources (CONTRACT.md), and an explanation given for
    # one of them does not answer the other's, nor is it taken over by it (issue 15, point 5).
    packs = models.JSONField(_("packs of the finding"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), max_length=EXPLANATION_MAX_LENGTH)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("explained by")
    )
    explained_at = models.DateTimeField(_("explained at"), default=timezone.now)

    class Meta:
        verbose_name = _("finding explanation")
        verbose_name_plural = _("finding explanations")
        ordering = ["application", "pack_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "pack_id", "code"],
                name="%(app_label)s_%(class)s_unique_finding",
                violation_error_message=_("This finding already has an explanation."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_explanation_not_empty",
                condition=~Q(explanation=""),
                violation_error_message=_("Give an explanation."),
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return pack_item_key(self.pack_id, self.code)

    def answers(self, finding: dict[str, Any]) -> bool:
        """Whether this explanation answers `finding`: the same pack and code, and every pack of it."""
        return (
            self.pack_id == finding["pack"]
            and self.code == finding["code"]
            and set(finding_packs(finding)) <= set(self.packs or [self.pack_id])
        )


def finding_packs(finding: dict[str, Any]) -> list[str]:
    """The packs that raised a finding of the judgment (several where packs' findings were merged)."""
    return sorted(finding.get("packs") or [finding["pack"]])


def explanations_by_finding(application: Application, snapshot: JudgmentSnapshot | None) -> dict[str, Any]:
    """ "pack:code" of each finding of `snapshot` → the explanation that answers it (the one lookup)."""
    if snapshot is None:
        return {}
    saved = {(e.pack_id, e.code): e for e in application.explanations.all()}
    found = {}
    for finding in snapshot.findings():
        explanation = saved.get((finding["pack"], finding["code"]))
        if explanation is not None and explanation.answers(finding):
            found[finding_key(finding)] = explanation
    return found


class Decision(models.Model):
    """The approver's decision on a submitted application: approve, reject or return it."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("application")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    # A reason kumokan gave (an imported row's file and row), kept as its msgid: kumokan.errors.stored.
    system_reason = models.JSONField(_("reason given by the system"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    # The applicant approved their own use (Kobe §5.2.2②).
    self_approval = models.BooleanField(_("self-approval"), default=False)
    # Copied from the judgment: the title under which the decision was made.
    approver_title = models.CharField(_("approver"), max_length=100)
    application_version = models.PositiveIntegerField(_("application version decided"))
    snapshot = models.ForeignKey(
        JudgmentSnapshot, on_delete=models.PROTECT, related_name="+", verbose_name=_("judgment decided on")
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            # The last guard against two people deciding at once: one final decision per application.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(outcome__in=[Outcome.APPROVED, Outcome.REJECTED]),
                name="%(app_label)s_%(class)s_one_final_per_application",
                violation_error_message=_("This application has already been approved or rejected."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_reason_unless_approved",
                condition=Q(outcome=Outcome.APPROVED) | ~Q(reason=""),
                violation_error_message=_("A rejection or a return needs a reason."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_outcome_valid",
                condition=Q(outcome__in=Outcome.values),
                violation_error_message=_("The outcome is not valid."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.get_outcome_display()}"

    @property
    def reason_text(self) -> str | Promise:
        """The reason as typed, then the one kumokan gave (if any) in the reader's language."""
        return typed_then_given(self.reason, self.system_reason)
