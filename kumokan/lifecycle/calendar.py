"""One person's due dates as iCalendar (RFC 5545), for their own calendar program."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event

from kumokan.core.actors import display_name
from kumokan.lifecycle.due import due_items_for


def feed_for(user: Any, base_url: str = "") -> bytes:
    """Every open dated item of the user as an all-day event; nothing of anyone else."""
    with override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//kumokan//lifecycle//JA")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", _("kumokan: due dates of %(name)s") % {"name": display_name(user)})
        stamp = timezone.now()
        for item in due_items_for(user):
            event = Event()
            event.add("uid", f"{item.uid}@kumokan")
            event.add("dtstamp", stamp)
            event.add("dtstart", item.due_date)
            event.add("dtend", item.due_date + datetime.timedelta(days=1))
            event.add("summary", f"[{item.kind}] {item.service}")
            event.add("description", item.title)
            if base_url:
                event.add("url", base_url.rstrip("/") + item.url)
            calendar.add_component(event)
    return calendar.to_ical()
