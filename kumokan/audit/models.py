"""The audit trail: one append-only row per action, written in the action's own transaction.

The rows form one hash chain per municipality (and one for what belongs to none): each row stores
the HMAC-SHA256, under a key the database does not hold (settings.AUDIT_KEY), of its canonical
content together with the hash of its chain's row before it. A row changed or removed afterwards
breaks the chain, and nobody who can only write the database can compute a matching hash
(`manage.py audit_verify` finds where). Each chain's head is one locked row, so concurrent writers of
one municipality queue for it instead of forking the chain, and other municipalities do not wait.
Signed checkpoints of the heads, kept outside the database (kumokan.audit.checkpoints), pin the
chains' ends.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.audit.choices import Action


class AppendOnlyError(Exception):
    """An audit row was to be changed or deleted: the trail only grows."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are chained one by one: use save()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")


class AuditEvent(models.Model):
    """Who did what to which object, with the object's state before and after.

    Rows are never updated or deleted, and are ordered by id, so a later issue can chain
    each row's hash to the previous one without changing what is stored.
    """

    at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Actor"),
    )
    # Copied so the record reads the same after the account is renamed or deleted.
    actor_name = models.CharField(_("Actor's name"), max_length=150)
    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Municipality"),
    )
    action = models.CharField(_("Action"), max_length=50, choices=Action.choices)
    target_type = models.CharField(_("Target type"), max_length=100)
    target_id = models.CharField(_("Target ID"), max_length=64)
    target_repr = models.CharField(_("Target"), max_length=200)
    before = models.JSONField(_("Before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("After"), null=True, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(_("Request ID"), max_length=64, blank=True)
    previous_hash = models.CharField(_("previous record's hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("Audit trail")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_event_target_idx"),
            models.Index(fields=["municipality", "at"], name="audit_event_municipality_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        if not transaction.get_connection(kwargs.get("using")).in_atomic_block:
            raise RuntimeError("audit events are written inside the action's transaction.atomic()")
        # Locking the chain's head queues concurrent writers of this municipality (PostgreSQL: that
        # row; SQLite: the whole database is already locked by the action's own writes), so each sees
        # the latest hash.
        head = AuditChainHead.locked(self.municipality_id)
        self.previous_hash = head.last_hash
        self.hash = chain_hash(canonical_content(self), self.previous_hash)
        super().save(*args, **kwargs)
        head.advance(self)

    def content_hash(self, key: bytes | None = None) -> str:
        """The hash this row should carry, from what it holds now."""
        return chain_hash(canonical_content(self), self.previous_hash, key)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


GENESIS_HASH = "0" * 64


class AuditChainHead(models.Model):
    """The newest row of one municipality's chain (or of the chain of rows that belong to none)."""

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Municipality"),
    )
    last_event_id = models.BigIntegerField(_("last record"), null=True, blank=True)
    last_hash = models.CharField(_("last record's hash"), max_length=64, default=GENESIS_HASH)
    length = models.BigIntegerField(_("records"), default=0)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [
            models.UniqueConstraint(
                Coalesce("municipality", Value(0)),
                name="%(app_label)s_%(class)s_one_per_chain",
                violation_error_message=_("There is one audit chain per municipality."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id or '-'}: {self.length} records, last {self.last_hash[:12]}"

    @classmethod
    def locked(cls, municipality_id: int | None) -> AuditChainHead:
        """The chain's head, locked until the transaction ends (created with the chain's first row)."""
        chain = cls.objects.select_for_update().filter(municipality_id=municipality_id)
        head = chain.first()
        if head is None:
            try:
                with transaction.atomic():
                    cls.objects.create(municipality_id=municipality_id)
            except IntegrityError:
                pass  # another writer created it first; its row is locked below once it commits
            head = chain.get()
        return head

    def advance(self, *events: AuditEvent) -> None:
        """Move the head past `events`, written in this order after the current head."""
        self.last_event_id = events[-1].pk
        self.last_hash = events[-1].hash
        self.length += len(events)
        self.save(update_fields=["last_event_id", "last_hash", "length"])


def municipality_model() -> type[models.Model]:
    """The model an audit row's municipality is (tenancy's), without importing the app above audit."""
    model = AuditEvent._meta.get_field("municipality").related_model
    assert isinstance(model, type)
    return model


def _json_ready(value: Any) -> Any:
    """The value as it reads back from a JSON column (dates become text, tuples lists)."""
    if _reads_back_as_is(value):
        return value
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# Values a JSON column gives back equal and of the same type (exact types: a str or int subclass, such
# as a choice, reads back as the plain value, and a bool's subclass check must not let ints pass).
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _reads_back_as_is(value: Any, depth: int = 0) -> bool:
    """Whether `value` is already what its JSON reads back as: text-keyed dicts, lists and plain
    values only. Most audit rows hold just that, and walking them costs less than encoding and
    decoding them; anything else (a date, a tuple, a number key, a choice) takes the round trip."""
    kind = type(value)
    if kind in _PLAIN:
        return True
    if depth > 20:
        return False  # deep (or circular) structures: the round trip decides, as before
    if kind is dict:
        return all(type(k) is str and _reads_back_as_is(v, depth + 1) for k, v in value.items())
    if kind is list:
        return all(_reads_back_as_is(v, depth + 1) for v in value)
    return False


def canonical_content(event: AuditEvent) -> bytes:
    """Everything the row records, as sorted compact JSON: the same bytes on every database.

    The actor's id is left out: deleting an account empties it (SET_NULL), while the copied
    actor_name, which is hashed, keeps saying who it was.
    """
    content = {
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_name": event.actor_name,
        "municipality_id": event.municipality_id,
        "action": str(event.action),
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "before": _json_ready(event.before),
        "after": _json_ready(event.after),
        "request_id": event.request_id,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(content: bytes, previous_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the previous hash and the content, under the audit key (settings.AUDIT_KEY)."""
    message = previous_hash.encode() + b"\n" + content
    return hmac.new(settings.AUDIT_KEY if key is None else key, message, hashlib.sha256).hexdigest()
