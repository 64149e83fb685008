"""What every page's navigation needs: which sections the user may open, and unread notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kumokan.core.permissions import Capability, allows
from kumokan.notifications.models import Notification
from kumokan.tenancy.access import memberships_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "apply": allows(user, Capability.APPLY),
            "decide": allows(user, Capability.DECIDE),
            "ledger": allows(user, Capability.VIEW_LEDGER),
            "catalog": allows(user, Capability.VIEW_CATALOG),
            "procurement": allows(user, Capability.VIEW_PROCUREMENT),
            "meetings": allows(user, Capability.PLAN_MEETING),
            # A token acts as its user; without a role (or superuser) it could reach nothing.
            "api_tokens": user.is_superuser or bool(memberships_of(user)),
            "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        }
    }
