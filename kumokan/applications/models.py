"""Applications to use a cloud service, the engine's judgment of each, checklist answers and decisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.applications.choices import Answer, Outcome, Status, Track
from kumokan.applications.evidence import evidence_path, evidence_storage


class Application(models.Model):
    """One application (利用申請, 申請書兼許可書) to use one cloud service (one function, where required)."""

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("自治体"),
    )
    department = models.ForeignKey(
        "tenancy.Department", on_delete=models.PROTECT, related_name="applications", verbose_name=_("所属")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申請者"),
    )
    service = models.ForeignKey(
        "catalog.CloudService",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("クラウドサービス"),
    )
    # The facts of CONTRACT.md, as validated by the engine (kumokan.policy.facts.Facts).
    facts = models.JSONField(_("申請内容（判定用）"))
    business_scope = models.TextField(_("利用する業務の範囲"), blank=True)
    period_start = models.DateField(_("利用開始日"), null=True, blank=True)
    period_end = models.DateField(_("利用終了日"), null=True, blank=True)
    user_scope_detail = models.TextField(_("利用者の範囲（詳細）"), blank=True)
    notes = models.TextField(_("備考"), blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Kobe §5.3: a contractor (the applicant here) submits the requirement sheet for a service it uses on
    # the city's behalf, and the commissioning department's 情報管理者等 confirm it (routing.may_decide).
    submitted_by_contractor = models.BooleanField(
        _("submitted by a contractor"), default=False, editable=False
    )
    # Raised by every change; a decision names the version it was made on (optimistic concurrency).
    version = models.PositiveIntegerField(_("版"), default=1)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)
    submitted_at = models.DateTimeField(_("申請日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("利用申請")
        verbose_name_plural = _("利用申請")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_status_valid",
                condition=Q(status__in=Status.values),
                violation_error_message=_("状態の値が正しくありません。"),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_period_ordered",
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                violation_error_message=_("利用終了日は利用開始日以降にしてください。"),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_version_positive",
                condition=Q(version__gte=1),
                violation_error_message=_("版は1以上です。"),
            ),
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
            raise ValidationError({"department": _("所属が自治体と一致しません。")})

    @property
    def judgment(self) -> JudgmentSnapshot | None:
        """The current judgment: the latest snapshot."""
        return self.snapshots.order_by("-id").first()

    @property
    def functions(self) -> list[str]:
        return list(self.facts.get("functions", []))


class JudgmentSnapshot(models.Model):
    """The engine's judgment of the application's facts at one moment, kept so that an old decision
    stays explainable after the rules change. A new one is stored whenever the facts or packs change.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("利用申請")
    )
    facts = models.JSONField(_("判定した申請内容"))
    judgment = models.JSONField(_("判定結果"))
    packs = models.JSONField(_("パック（id・版・ダイジェスト）"))
    track = models.CharField(_("区分"), max_length=10, choices=Track.choices)
    # Who decides: the pack's approver role, or the municipality's setting where the seed names none;
    # NULL when neither names anyone (submission is then refused).
    approver_role = models.CharField(_("許可権限者の役割"), max_length=30, null=True, blank=True)  # noqa: DJ001
    approver_title = models.CharField(_("許可権限者"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("判定日時"), default=timezone.now)

    class Meta:
        verbose_name = _("判定結果")
        verbose_name_plural = _("判定結果")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.application} {self.created_at:%Y-%m-%d %H:%M}"

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


class ChecklistAnswer(models.Model):
    """The applicant's (or later the service manager's) answer to one checklist item."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="answers", verbose_name=_("利用申請")
    )
    pack_id = models.CharField(_("パック"), max_length=50)
    item_id = models.CharField(_("確認事項"), max_length=100)
    answer = models.CharField(_("回答"), max_length=20, choices=Answer.choices)
    note = models.TextField(_("説明"), blank=True)
    evidence = models.FileField(
        _("根拠資料"), storage=evidence_storage, upload_to=evidence_path, max_length=300, blank=True
    )
    evidence_name = models.CharField(_("根拠資料のファイル名"), max_length=255, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("回答者")
    )
    answered_at = models.DateTimeField(_("回答日時"), default=timezone.now)

    class Meta:
        verbose_name = _("確認事項への回答")
        verbose_name_plural = _("確認事項への回答")
        ordering = ["application", "pack_id", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "pack_id", "item_id"],
                name="%(app_label)s_%(class)s_unique_item",
                violation_error_message=_("この確認事項には既に回答があります。"),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_answer_valid",
                condition=Q(answer__in=Answer.values),
                violation_error_message=_("回答の値が正しくありません。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack_id}:{self.item_id} {self.get_answer_display()}"


class FindingExplanation(models.Model):
    """The applicant's explanation of one finding, required before submitting for each blocking one."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="explanations", verbose_name=_("利用申請")
    )
    pack_id = models.CharField(_("パック"), max_length=50)
    code = models.CharField(_("指摘事項"), max_length=100)
    explanation = models.TextField(_("説明"))
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("説明者")
    )
    explained_at = models.DateTimeField(_("説明日時"), default=timezone.now)

    class Meta:
        verbose_name = _("指摘事項への説明")
        verbose_name_plural = _("指摘事項への説明")
        ordering = ["application", "pack_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "pack_id", "code"],
                name="%(app_label)s_%(class)s_unique_finding",
                violation_error_message=_("この指摘事項には既に説明があります。"),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_explanation_not_empty",
                condition=~Q(explanation=""),
                violation_error_message=_("説明を入力してください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack_id}:{self.code}"


class Decision(models.Model):
    """The approver's decision on a submitted application: approve, reject or return it."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("利用申請")
    )
    outcome = models.CharField(_("結果"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("決裁者")
    )
    decided_at = models.DateTimeField(_("決裁日時"), default=timezone.now)
    # The applicant approved their own use (Kobe §5.2.2②).
    self_approval = models.BooleanField(_("自己承認"), default=False)
    # Copied from the judgment: the title under which the decision was made.
    approver_title = models.CharField(_("許可権限者"), max_length=100)
    application_version = models.PositiveIntegerField(_("決裁した申請の版"))
    snapshot = models.ForeignKey(
        JudgmentSnapshot, on_delete=models.PROTECT, related_name="+", verbose_name=_("決裁した判定結果")
    )

    class Meta:
        verbose_name = _("決裁")
        verbose_name_plural = _("決裁")
        ordering = ["-decided_at", "-id"]
        constraints = [
            # The last guard against two people deciding at once: one final decision per application.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(outcome__in=[Outcome.APPROVED, Outcome.REJECTED]),
                name="%(app_label)s_%(class)s_one_final_per_application",
                violation_error_message=_("この申請は既に承認または却下されています。"),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_reason_unless_approved",
                condition=Q(outcome=Outcome.APPROVED) | ~Q(reason=""),
                violation_error_message=_("却下・差戻しには理由が必要です。"),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_outcome_valid",
                condition=Q(outcome__in=Outcome.values),
                violation_error_message=_("結果の値が正しくありません。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.get_outcome_display()}"
