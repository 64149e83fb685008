"""What changed between two versions of a pack, and which of those changes touch a given use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kumokan.policy.conditions import Context, holds
from kumokan.policy.pack import Item, Pack, Recheck


@dataclass(frozen=True)
class Change:
    id: str
    kind: str  # added | removed | changed
    fields: tuple[str, ...] = ()
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None


@dataclass(frozen=True)
class PackDiff:
    pack_id: str
    old_version: str
    new_version: str
    items: list[Change] = field(default_factory=list)
    rechecks: list[Change] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # other top-level sections that differ

    @property
    def empty(self) -> bool:
        return not (self.items or self.rechecks or self.sections)

    def as_data(self) -> dict[str, Any]:
        return {
            "id": self.pack_id,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "items": [_change_data(c) for c in self.items],
            "rechecks": [_change_data(c) for c in self.rechecks],
            "sections": self.sections,
        }


def diff_packs(old: Pack, new: Pack) -> PackDiff:
    """Items and re-checks added, removed and changed (by id), and other sections that differ."""
    result = PackDiff(new.id, old.version, new.version)
    result.items.extend(_compare(old.items, new.items))
    result.rechecks.extend(_compare(old.rechecks, new.rechecks))
    for name in type(new).model_fields:
        if name in {"items", "rechecks", "version"}:
            continue
        if getattr(old, name) != getattr(new, name):
            result.sections.append(name)
    return result


def affected_items(old: Pack, new: Pack, facts: Mapping[str, Any], track: str) -> list[Change]:
    """The item changes that matter to one use: those that applied before or apply now.

    A re-check after a pack revision lists exactly these (the life-after-approval workflow).
    """
    ctx_new = Context(facts, track, new.orders())
    ctx_old = Context(facts, track, old.orders())
    relevant = []
    for change in _compare(old.items, new.items):
        before = _find(old.items, change.id)
        after = _find(new.items, change.id)
        applied = before is not None and _applies(before, ctx_old)
        applies = after is not None and _applies(after, ctx_new)
        if applied or applies:
            relevant.append(change)
    return relevant


def _compare(
    old: tuple[Item, ...] | tuple[Recheck, ...], new: tuple[Item, ...] | tuple[Recheck, ...]
) -> list[Change]:
    before = {e.id: e for e in old}
    after = {e.id: e for e in new}
    changes: list[Change] = []
    for entry_id, entry in after.items():
        if entry_id not in before:
            changes.append(Change(entry_id, "added", new=_data(entry)))
            continue
        old_data, new_data = _data(before[entry_id]), _data(entry)
        fields = tuple(k for k in new_data.keys() | old_data.keys() if old_data.get(k) != new_data.get(k))
        if fields:
            changes.append(Change(entry_id, "changed", tuple(sorted(fields)), old_data, new_data))
    changes += [
        Change(entry_id, "removed", old=_data(e)) for entry_id, e in before.items() if entry_id not in after
    ]
    return changes


def _data(entry: Item | Recheck) -> dict[str, Any]:
    return entry.model_dump(mode="json", by_alias=True, exclude_none=True)


def _find(entries: tuple[Item, ...], entry_id: str) -> Item | None:
    return next((e for e in entries if e.id == entry_id), None)


def _applies(item: Item, ctx: Context) -> bool:
    try:
        return item.track in ("any", ctx.track) and holds(item.when, ctx)
    except (KeyError, ValueError):
        # The facts no longer fit the condition (a level removed from the scale): treat as affected.
        return True


def _change_data(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = {"id": change.id, "kind": change.kind}
    if change.fields:
        data["fields"] = list(change.fields)
    if change.old is not None:
        data["old"] = change.old
    if change.new is not None:
        data["new"] = change.new
    return data


__all__ = ["Change", "PackDiff", "affected_items", "diff_packs"]
