"""Personal API tokens: each acts as its user, with exactly that user's rights in the UI."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Recognisable in logs and by secret scanners; the rest is 256 random bits.
TOKEN_PREFIX = "kmk_"  # noqa: S105 (a prefix, not a secret)


def new_token_text() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(text: str) -> str:
    """SHA-256 of the token: enough for 256 random bits, and fast enough to check on every request."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """One token of one user; only its SHA-256 digest is stored, the token itself is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("User")
    )
    name = models.CharField(
        _("Name"), max_length=100, help_text=_("What the token is for, e.g. a script's name.")
    )
    # The first characters, so that a person can tell their tokens apart without the secret.
    prefix = models.CharField(_("Beginning of the token"), max_length=12, editable=False)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("Last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["digest"],
                name="%(app_label)s_%(class)s_unique_digest",
                violation_error_message=_("This token already exists."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_revoked_after_created",
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                violation_error_message=_("A token cannot be revoked before it was created."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_name_not_empty",
                condition=~Q(name=""),
                violation_error_message=_("Give the token a name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """The first answer to a create sent with an Idempotency-Key: the same key gets it again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="idempotent_requests",
        verbose_name=_("User"),
    )
    key = models.CharField(_("Idempotency key"), max_length=200)
    operation = models.CharField(_("Operation"), max_length=100)
    # SHA-256 of the request body: the same key with another body is refused, not answered.
    digest = models.CharField(_("SHA-256 digest"), max_length=64)
    status = models.PositiveSmallIntegerField(_("Status"))
    response = models.JSONField(_("Response"))
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        verbose_name = _("Idempotent request")
        verbose_name_plural = _("Idempotent requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message=_("This key was already used."),
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="api_idempotent_created_idx")]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
