"""`manage.py demo_otp USER`: the current code of a demo user's TOTP device, for a walkthrough."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.accounts.actions import DEMO_DEVICE_NAME
from kumokan.accounts.two_factor import current_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        # Only the devices `manage.py demo` made, and never on a production server.
        if not settings.DEBUG:
            raise CommandError("demo_otp works only with KUMOKAN_DEBUG=true.")
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username!r} has no demo two-factor device (run `manage.py demo CITY` first)."
            )
        self.stdout.write(current_code(device))
