"""Telling people: a notification row now, an e-mail once the action's transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kumokan.core.actors import Actor, person
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.notifications.models import Notification, verb_label


def notify(
    users: Iterable[Any],
    message: Message,
    url: str,
    *,
    municipality: Any,
    verb: Verb,
) -> list[Notification]:
    """Create one notification per active user (each once) and e-mail them after commit.

    The row keeps the message in Japanese, the city's language (the mail's too), and in English for a
    reader who reads in English.
    """
    text, text_en = message.render("ja"), message.render("en")
    seen: set[int] = set()
    created = []
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        created.append(
            Notification.objects.create(
                user=user, municipality=municipality, verb=verb, text=text, text_en=text_en, url=url
            )
        )
    recipients = [n.user.email for n in created if n.user.email]
    if recipients:
        with translation.override("ja"):  # like the text, the mail is in Japanese whoever acted
            subject = f"[雲管] {verb_label(verb, municipality)}"
        body = f"{text}\n\n{url}\n"
        for address in recipients:
            transaction.on_commit(
                partial(
                    send_mail,
                    subject,
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [address],
                ),
                # A mail server failure is logged; it must not undo or hide the committed action.
                robust=True,
            )
    return created


@transaction.atomic
def mark_read(*, acting_user: Actor, notification: Notification) -> Notification:
    """Mark one of the acting user's notifications read (reading again keeps the first time)."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.user_id != acting_user.pk:
        raise PermissionDenied(_("You cannot mark someone else's notification as read."))
    if locked.read_at is None:
        locked.read_at = timezone.now()
        locked.save(update_fields=["read_at"])
    return locked


@transaction.atomic
def mark_all_read(*, acting_user: Actor) -> int:
    """Mark every unread notification of the acting user read; returns how many."""
    # kumokan itself (SYSTEM) receives no notifications: nothing to mark.
    user = person(acting_user)
    if user is None:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
