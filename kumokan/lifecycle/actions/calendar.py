"""The secret address of a user's calendar feed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, person
from kumokan.lifecycle.models import (
    CalendarFeed,
    new_feed_token,
)


def regenerate_calendar_feed(*, acting_user: Actor) -> CalendarFeed:
    """Give the user a new secret calendar address; the old one stops working at once."""
    user = person(acting_user)
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Log in to get a calendar address."))
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            feed = CalendarFeed.objects.create(user=user)
            before = None
        else:
            before = {"created_at": feed.created_at.isoformat()}
            feed.token, feed.created_at = new_feed_token(), timezone.now()
            feed.save(update_fields=["token", "created_at"])
        # The token itself is a secret: the audit trail keeps only when it was made.
        record(
            acting_user,
            Action.LIFECYCLE_FEED_REGENERATE,
            feed,
            before,
            {"created_at": feed.created_at.isoformat()},
            municipality=None,
        )
    return feed
