"""The phase checklists' tasks of a ledger entry."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kumokan.core.answers import AnsweredItem, one_per_item
from kumokan.core.constraints import one_of
from kumokan.core.private_files import PrivateFileField
from kumokan.errors import reads_english, typed_then_given
from kumokan.lifecycle.choices import (
    TaskPhase,
    TaskStatus,
)
from kumokan.lifecycle.models.common import USER, CopiesOfEntry, EntryFiles, Versioned


class ChecklistTask(EntryFiles, CopiesOfEntry, Versioned, AnsweredItem):
    """One checklist item of a phase after approval, for one ledger entry, copied from its judgment."""

    ANSWERED = ("confirmed_by", "confirmed_at")
    entry = models.ForeignKey(
        "ledger.LedgerEntry", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("ledger entry")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=TaskPhase.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    group = models.CharField(_("group"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    # The pack's English gloss of `text`, copied from the same judgment item ("" where the pack has none).
    text_en = models.TextField(_("text in English"), blank=True, default="")
    source = models.JSONField(_("source"))
    required_before_operation = models.BooleanField(_("required before operation"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    evidence = PrivateFileField(_("evidence"), blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    responsible = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lifecycle_tasks",
        verbose_name=_("responsible"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # A note kumokan itself gives (a task closed because the service was retired), after the note a person
    # typed: its English msgid and parameters (kumokan.errors.stored), translated when read; {} for none.
    system_note = models.JSONField(_("note given by the system"), default=dict, blank=True)

    class Meta:
        verbose_name = _("checklist task")
        verbose_name_plural = _("checklist tasks")
        ordering = ["entry", "position", "id"]
        constraints = [
            one_per_item("entry", _("This item is already a task of this ledger entry.")),
            one_of("status", TaskStatus),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_decided_has_who_and_when",
                condition=Q(status=TaskStatus.OPEN, confirmed_at__isnull=True)
                | (~Q(status=TaskStatus.OPEN) & Q(confirmed_at__isnull=False, confirmed_by__isnull=False)),
                violation_error_message=_("A decided task records who decided it and when."),
            ),
        ]
        indexes = [
            models.Index(fields=["entry", "phase"], name="lifecycle_task_phase_idx"),
            # A person's open tasks, and those due in a range of dates (the dashboard).
            models.Index(fields=["responsible", "status", "due_date"], name="lifecycle_task_responsible_idx"),
            # The dashboard's overdue and coming-due counts and lists: the tasks with a due date (a few
            # percent of all tasks), by the municipality and the entry's status copied onto the task, so
            # that a count reads neither the task rows nor the entries (BENCHMARKS.md, issue 18 point 4).
            # The status and the entry's status are columns, not the index's condition: SQLite does not
            # match a condition against the values bound to a query (`entry_status IN (?, ?, ?)`). The
            # entry's status after the date, so the earliest items are read in the index's order.
            models.Index(
                fields=["municipality", "status", "due_date", "entry_status"],
                name="lifecycle_task_open_due_idx",
                condition=Q(due_date__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} {self.key}"

    @property
    def text_in_language(self) -> str:
        """The item's text in the active language: the pack's English where it has one (the judgment's
        items read the same way: core.templatetags.kumokan.in_language)."""
        if reads_english() and self.text_en:
            return self.text_en
        return self.text

    @property
    def note_text(self) -> str | Promise:
        """The note as typed, then the note kumokan gave (if any) in the reader's language."""
        return typed_then_given(self.note, self.system_note)

    def is_overdue(self, today: Any = None) -> bool:
        today = today or timezone.localdate()
        return self.status == TaskStatus.OPEN and self.due_date is not None and self.due_date < today
