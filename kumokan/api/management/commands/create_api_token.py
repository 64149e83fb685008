"""manage.py create_api_token USERNAME NAME: issue a token for a user and print it (the only time it is shown)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kumokan.accounts.two_factor import has_device, requires_two_factor
from kumokan.api.actions import issue_api_token
from kumokan.core.actors import SYSTEM
from kumokan.errors import WorkflowError


class Command(BaseCommand):
    help = "Issue an API token for a user and print it once; only its digest is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. a script's name.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        # A token is used without a second factor. Whom the pages ask for one gets a token only once
        # they have enrolled a device (and then usually from the API tokens page, after proving it).
        if requires_two_factor(user) and not has_device(user):
            raise CommandError(
                f"{username}'s roles require two-factor authentication and they have not enrolled a device: "
                "they sign in and enrol one at /accounts/two-factor/ first, then issue the token "
                "themselves at /api-tokens/ (or ask for it here again)."
            )
        try:
            _token, text = issue_api_token(acting_user=SYSTEM, user=user, name=name)
        except WorkflowError as exc:
            raise CommandError(exc.en) from exc
        self.stderr.write(f"Token {name!r} for {username}. Keep it now: it cannot be shown again.")
        self.stdout.write(text)
