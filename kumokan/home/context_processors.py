"""What every page's navigation needs: which sections the user may open, and unread notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kumokan.meetings.planning import has_meeting_rules, planner_municipality
from kumokan.notifications.models import Notification
from kumokan.tenancy.access import memberships_of
from kumokan.tenancy.permissions import Capability, allows
from kumokan.tenancy.vocabulary import vocabulary


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"terms": vocabulary(None)}
    memberships = memberships_of(user)
    cities = {membership.municipality_id: membership.municipality for membership in memberships}
    return {
        # The words of the user's city; for someone with roles in several, the generic words, unless the
        # page shows one city's object (base.html's {% city_words %}, kumokan.tenancy.templatetags).
        "terms": vocabulary(next(iter(cities.values())) if len(cities) == 1 else None),
        "nav": {
            "apply": allows(user, Capability.APPLY),
            "decide": allows(user, Capability.DECIDE),
            "ledger": allows(user, Capability.VIEW_LEDGER),
            "catalog": allows(user, Capability.VIEW_CATALOG),
            "procurement": allows(user, Capability.VIEW_PROCUREMENT),
            # Only where the city's rules have a web-conference procedure (Kitakyushu §6): elsewhere the
            # planner has nothing to plan with.
            "meetings": (city := planner_municipality(user)) is not None and has_meeting_rules(city),
            "audit": allows(user, Capability.EXPORT_AUDIT),
            "webhooks": allows(user, Capability.MANAGE_WEBHOOKS),
            # A token acts as its user; without a role (or superuser) it could reach nothing.
            "api_tokens": user.is_superuser or bool(memberships),
            "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        },
    }
