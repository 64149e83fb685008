"""What the lifecycle's actions share: which services are still in use, and whom and where they tell."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy

from kumokan.errors import WorkflowError
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.choices import ACTIVE_STATUSES as ACTIVE_STATUSES


def require_active(entry: LedgerEntry) -> None:
    if entry.status not in ACTIVE_STATUSES:
        raise WorkflowError(
            gettext_lazy("%(entry)s is retired"),
            code="retired",
            params={"entry": entry},
        )


def active_users(pks: Iterable[int]) -> Any:
    return get_user_model().objects.filter(pk__in=list(pks), is_active=True).order_by("username")


def entry_url(entry: LedgerEntry) -> str:
    return reverse("lifecycle:entry", args=[entry.pk])
