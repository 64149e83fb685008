"""Every notification the demo journey sends opens for the person it was sent to: no dead end (issue 17 point 7)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from kumokan.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("city", ["amagasaki", "kitakyushu", "kobe", "osaka"])
def test_each_notification_of_the_demo_journey_opens_for_its_recipient(
    city: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUMOKAN_DEMO_PASSWORD", "demo-pass-123")
    call_command("demo", city, stdout=None)
    notifications = list(Notification.objects.select_related("user").order_by("pk"))
    assert notifications
    dead = []
    for notification in notifications:
        client = Client()
        client.force_login(notification.user)
        status = client.get(notification.url).status_code
        if status != 200:
            dead.append((notification.user.username, notification.url, status, notification.text))
    assert dead == []
