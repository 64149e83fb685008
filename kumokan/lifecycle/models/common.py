"""What the lifecycle's models share: the user model, where their files go, versioned rows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.ledger.choices import EntryStatus

USER = settings.AUTH_USER_MODEL


class EntryFiles:
    """A row of one ledger entry whose private files are kept in municipality/lifecycle/entry
    (kumokan.core.private_files)."""

    entry: Any

    def private_folders(self) -> tuple[object, ...]:
        return (self.entry.municipality.slug, "lifecycle", self.entry.pk)


class Versioned(models.Model):
    """A row changed on the version its changer read (the API sends it back): every save raises it and
    stamps `updated_at` (the API's updated_since), except a save of only the bookkeeping fields in
    `unversioned_fields` (reminders sent and the like)."""

    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)
    unversioned_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or set(update_fields) - self.unversioned_fields):
            self.version += 1
            self.updated_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "version", "updated_at"]
        super().save(*args, **kwargs)


class CopiesOfEntry(models.Model):
    """A row of one ledger entry (a checklist task, a re-check) that keeps copies of its entry's
    municipality and status, so that the dashboard counts open items due in a range from this table
    alone, by a partial index, instead of joining each to its entry (BENCHMARKS.md, issue 18 point 4).

    Written with the row (from its entry: save() here, or by the bulk paths, which set them), and kept
    by the ledger's steps in the same transaction as the entry's status (kumokan.lifecycle.gates.
    copy_entry_status); `manage.py recount_ledger` checks and repairs them. The municipality never
    changes."""

    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    entry_status = models.CharField(_("status of the service"), max_length=20, choices=EntryStatus.choices)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.municipality_id is None:
            entry = self.entry  # type: ignore[attr-defined]
            self.municipality_id, self.entry_status = entry.municipality_id, entry.status
        super().save(*args, **kwargs)
