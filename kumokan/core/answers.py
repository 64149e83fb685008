"""A pack item answered: the shape every answer row shares, whatever it answers the item with.

An application's checklist answer, a ledger entry's checklist task, a procurement's survey item and SLA
requirement, and a contractor's annex answer each record one item of a pack (its pack and item ids,
unique per thing answered) with a note. They subclass AnsweredItem; the answer itself (an answer, a
status, a requirement), who gave it and when stay each table's own columns, named as they always were:
ANSWERED names the who/when pair, and mark_answered / answered_columns are the one way to fill it in.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.core.constraints import one_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def pack_item_key(pack_id: str, item_id: str) -> str:
    """How an item or a finding is named across packs, "pack:item" (ids and finding codes are unique
    within their pack only)."""
    return f"{pack_id}:{item_id}"


def item_key(item: Mapping[str, Any]) -> str:
    """A judgment's item (or rule) by pack_item_key."""
    return pack_item_key(item["pack"], item["id"])


def finding_key(finding: Mapping[str, Any]) -> str:
    """A judgment's finding by pack_item_key, "pack:code"."""
    return pack_item_key(finding["pack"], finding["code"])


def one_per_item(owner: str, already: Any) -> models.UniqueConstraint:
    """An answer table's constraint: one row for each item of a pack of each `owner` (its foreign key);
    `already` says so to whoever adds a second."""
    return models.UniqueConstraint(
        fields=[owner, "pack_id", "item_id"],
        name="%(app_label)s_%(class)s_unique_item",
        violation_error_message=already,
    )


def valid_answer(choices: type[models.TextChoices]) -> models.CheckConstraint:
    """An answer table's constraint: its `answer` is one of `choices`."""
    return one_of("answer", choices, _("The answer is not valid."))


class AnsweredItem(models.Model):
    """One item of a pack as something answered it (abstract: each answer has its own table)."""

    pack_id = models.CharField(_("pack"), max_length=50)
    item_id = models.CharField(_("item"), max_length=100)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True

    # The table's columns saying who answered and when (a table whose answer is filled in, recorded or
    # confirmed names them so).
    ANSWERED: ClassVar[tuple[str, str]] = ("answered_by", "answered_at")

    @property
    def key(self) -> str:
        return pack_item_key(self.pack_id, self.item_id)

    @classmethod
    def answered_columns(
        cls, by: User | None, at: datetime.datetime | None = None
    ) -> dict[str, User | datetime.datetime | None]:
        """The who/when columns for "answered by `by` at `at` (now)"; `by` None: not answered (both empty).

        The column names a person: an action passes signed_in(acting_user), which refuses kumokan itself.
        """
        who, when = cls.ANSWERED
        if by is None:
            return {who: None, when: None}
        return {who: by, when: at or timezone.now()}

    def mark_answered(self, by: User | None, at: datetime.datetime | None = None) -> list[str]:
        """Record on this row who answered and when (as answered_columns); the columns set, for update_fields."""
        columns = self.answered_columns(by, at)
        for name, value in columns.items():
            setattr(self, name, value)
        return list(columns)
