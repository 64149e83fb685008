"""A pack item answered: the shape every answer row shares, whatever it answers the item with.

An application's checklist answer, a ledger entry's checklist task, a procurement's survey item and SLA
requirement, and a contractor's annex answer each record one item of a pack (its pack and item ids,
unique per thing answered) with a note. They subclass AnsweredItem; the answer itself (an answer, a
status, a requirement), who gave it and when stay each table's own columns, named as they always were.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def pack_item_key(pack_id: str, item_id: str) -> str:
    """How an item is named across packs, "pack:item" (item ids are unique within their pack only); a
    judgment's item is keyed the same: pack_item_key(item["pack"], item["id"])."""
    return f"{pack_id}:{item_id}"


class AnsweredItem(models.Model):
    """One item of a pack as something answered it (abstract: each answer has its own table)."""

    pack_id = models.CharField(_("pack"), max_length=50)
    item_id = models.CharField(_("item"), max_length=100)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True

    @property
    def key(self) -> str:
        return pack_item_key(self.pack_id, self.item_id)
