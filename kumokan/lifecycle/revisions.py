"""What adopting a pack text would do, before anyone adopts it (issue 19 point 5).

Validation problems by line, the changes against the version in force, and the services whose
applicable items change (kumokan.policy.diff.affected_items, as adopt_pack_version decides). It
changes nothing but the audit trail, which records who checked which text and what it showed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor
from kumokan.core.packs import load_text
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES
from kumokan.lifecycle.actions.packs import replaced_rules
from kumokan.lifecycle.rules import snapshot_of
from kumokan.policy import PackError, Problem, text_digest
from kumokan.policy.diff import Change, PackDiff, affected_items, diff_packs
from kumokan.policy.pack import Pack
from kumokan.tenancy.models import Municipality, PackVersion


@dataclass
class Preview:
    text: str
    digest: str
    problems: list[Problem] = field(default_factory=list)
    pack: Pack | None = None
    current: PackVersion | None = None  # the version in force (None: the first adoption)
    diff: PackDiff | None = None
    affected: list[tuple[LedgerEntry, list[Change]]] = field(default_factory=list)
    in_force: bool = False  # this very text is the version in force
    adopted_before: PackVersion | None = None  # this text was adopted before: adopting it goes back to it

    @property
    def adoptable(self) -> bool:
        return self.pack is not None and not self.problems and not self.in_force


def preview_revision(*, acting_user: Actor, municipality: Municipality, text: str) -> Preview:
    """Validate `text` as a revision of one of the municipality's packs and say what adopting it would do.

    Audited: the digest checked, its problems, its changes and the services it would re-check.
    """
    preview = _preview(municipality, text)
    diff = preview.diff
    with transaction.atomic():
        record(
            acting_user,
            Action.LIFECYCLE_PACK_PREVIEW,
            municipality,
            None,
            {
                "pack_id": preview.pack.id if preview.pack else None,
                "version": preview.pack.version if preview.pack else None,
                "digest": preview.digest,
                "current": preview.current.version if preview.current else None,
                "in_force": preview.in_force,
                "adopted_before": preview.adopted_before.pk if preview.adopted_before else None,
                "problems": [f"{p.where}: {p.en}" for p in preview.problems[:50]],
                "changes": {
                    kind: [c.id for c in (diff.items + diff.rechecks) if c.kind == kind]
                    for kind in ("added", "removed", "changed")
                }
                | {"sections": diff.sections}
                if diff
                else None,
                "affected": [entry.pk for entry, _changes in preview.affected],
            },
        )
    return preview


def _preview(municipality: Municipality, text: str) -> Preview:
    preview = Preview(text=text, digest=text_digest(text))
    pack, preview.problems = pack_problems(text)
    if pack is None:
        return preview
    if pack.id not in municipality.pack_ids():
        preview.problems.append(
            Problem(
                "pack: id",
                f"「{pack.id}」は{municipality}が使うパックではありません（{', '.join(municipality.pack_ids())}）",
                f"{municipality} does not use the pack {pack.id!r}",
            )
        )
        return preview
    preview.pack = pack
    preview.current = municipality.adopted_version(pack.id)
    if preview.current is not None:
        preview.in_force = preview.current.digest == preview.digest
        preview.adopted_before = PackVersion.objects.filter(
            municipality=municipality, pack_id=pack.id, digest=preview.digest
        ).first()
    old = replaced_rules(pack.id, preview.current)
    if old is None:
        return preview
    preview.diff = diff_packs(old, pack)
    entries = LedgerEntry.objects.filter(municipality=municipality, status__in=ACTIVE_STATUSES)
    for entry in entries.select_related("application").order_by("id"):
        snapshot = snapshot_of(entry)
        changes = affected_items(old, pack, snapshot.facts, snapshot.track)
        if changes:
            preview.affected.append((entry, changes))
    return preview


def pack_problems(text: str) -> tuple[Pack | None, list[Problem]]:
    """The pack in `text` (None if invalid) and every problem, each placed as `pack:LINE: field`."""
    try:
        return load_text(text).pack, []
    except PackError as exc:
        return None, list(exc.problems)


def change_words(change: Change) -> dict[str, Any]:
    """One change as the page says it: kind, id, clause and text before and after."""
    old, new = change.old or {}, change.new or {}
    return {
        "id": change.id,
        "kind": change.kind,
        "fields": list(change.fields),
        "clause": (new.get("source") or old.get("source") or {}).get("clause", ""),
        "old_text": old.get("text", ""),
        "new_text": new.get("text", ""),
    }
