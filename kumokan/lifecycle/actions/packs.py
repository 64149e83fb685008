"""A municipality's pack versions: a text put in force, and the rules it replaces."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, is_system, person
from kumokan.core.packs import load_pack, load_text
from kumokan.errors import WorkflowError, in_both
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES
from kumokan.lifecycle.actions.rechecks import open_recheck
from kumokan.lifecycle.choices import (
    RecheckTrigger,
)
from kumokan.lifecycle.models import (
    Recheck,
)
from kumokan.lifecycle.rules import snapshot_of
from kumokan.lifecycle.schedule import (
    settings_for,
)
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.policy import PackError, PolicyError, text_digest
from kumokan.policy.diff import affected_items
from kumokan.policy.pack import Pack
from kumokan.tenancy.models import Municipality, PackAdoption, PackVersion
from kumokan.tenancy.permissions import Capability, can


def adopt_pack_version(
    *, acting_user: Actor, municipality: Any, text: str
) -> tuple[PackVersion, list[Recheck]]:
    """Put this text of one of the municipality's packs in force, and re-check the services it touches.

    From then on every judgment there uses this text (Municipality.pack_in_force); judgments already
    made keep the version they record. The text may be one adopted before: going back to it is one
    more adoption (PackAdoption), judged against the text in force like any revision. Before the
    first adoption the installed file is in force, so the first is compared with it (adopting the
    installed text itself opens nothing). For every service in use, kumokan.policy.diff.affected_items decides from the service's own facts and track whether a
    changed item applies to it; only those services get a re-check, listing exactly those items.
    """
    # A superuser adopts from Django's admin (PackVersionAdmin); everyone else as the pack page grants.
    if not is_system(acting_user) and not (
        acting_user.is_superuser or can(acting_user, Capability.CONFIGURE_LIFECYCLE, municipality)
    ):
        raise PermissionDenied(_("Only an administrator of the municipality may adopt a pack version."))
    new = _load_pack_text(text)
    if new.id not in municipality.pack_ids():
        raise WorkflowError(
            gettext_lazy("%(municipality)s does not use the pack '%(pack)s'"),
            code="pack_not_used",
            params={"municipality": municipality, "pack": new.id},
        )
    digest = text_digest(text)
    today = timezone.localdate()
    with transaction.atomic():
        # One adoption at a time per municipality: each reads the text in force it replaces.
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        current = municipality.adopted_version(new.id)
        if current is not None and current.digest == digest:
            raise WorkflowError(
                gettext_lazy("this text of %(id)s (%(version)s) is already in force in %(municipality)s"),
                code="already_adopted",
                params={"municipality": municipality, "id": new.id, "version": new.version},
            )
        version, _created = PackVersion.objects.get_or_create(
            municipality=municipality,
            pack_id=new.id,
            digest=digest,
            defaults={"version": new.version, "text": text, "adopted_by": person(acting_user)},
        )
        adoption = PackAdoption.objects.create(
            municipality=municipality,
            pack_id=new.id,
            version=version,
            previous=current,
            adopted_by=person(acting_user),
        )
        rechecks: list[Recheck] = []
        old = replaced_rules(new.id, current)
        if old is not None:
            due = today + datetime.timedelta(days=settings_for(municipality).triggered_recheck_days)
            entries = LedgerEntry.objects.select_for_update().filter(
                municipality=municipality, status__in=ACTIVE_STATUSES
            )
            for entry in entries.order_by("id"):
                snapshot = snapshot_of(entry)
                changes = affected_items(old, new, snapshot.facts, snapshot.track)
                if not changes:
                    continue
                items = [
                    {
                        "pack": new.id,
                        "id": c.id,
                        "kind": c.kind,
                        "fields": list(c.fields),
                        "old": c.old,
                        "new": c.new,
                    }
                    for c in changes
                ]
                recheck = open_recheck(
                    acting_user, entry, RecheckTrigger.PACK_REVISION, due, items=items, pack_version=version
                )
                rechecks.append(recheck)
                message = Message(
                    gettext_noop(
                        "The rules were revised (%(pack)s %(old)s → %(new)s): re-check %(service)s."
                    ),
                    {
                        "pack": new.rules_name,
                        "old": old.version,
                        "new": new.version,
                        "service": entry,
                    },
                )
                notify(
                    [entry.service_manager],
                    message,
                    recheck.get_absolute_url(),
                    municipality=municipality,
                    verb=Verb.RECHECK_ORDERED,
                )
        record(
            acting_user,
            Action.LIFECYCLE_PACK_ADOPT,
            adoption,
            {"version": old.version, "digest": current.digest if current else None} if old else None,
            state_of(version, "pack_id", "version", "digest")
            | {"adopted_before": not _created, "rechecks": [r.pk for r in rechecks]},
        )
    municipality.forget_packs_in_force()
    return version, rechecks


def replaced_rules(pack_id: str, current: PackVersion | None) -> Pack | None:
    """The rules an adoption replaces: the text adopted last, or before any adoption the installed
    file, which judgments used until then (None if it no longer loads: nothing to compare with)."""
    if current is not None:
        return _load_pack_text(current.text)
    try:
        return load_pack(pack_id).pack
    except PolicyError:
        return None


def _load_pack_text(text: str) -> Pack:
    """Validate a pack's YAML text with the engine's own loader; returns the Pack."""
    try:
        return load_text(text).pack
    except PackError as exc:
        raise WorkflowError(
            gettext_lazy("the pack is not valid:\n%(problems)s"),
            code="pack_invalid",
            params={
                "problems": in_both(
                    "\n".join(f"{p.where}: {p.ja}" for p in exc.problems),
                    "\n".join(f"{p.where}: {p.en}" for p in exc.problems),
                )
            },
        ) from None
