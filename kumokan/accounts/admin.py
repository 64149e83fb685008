"""Unlocking an account and resetting a second factor from the admin, each audited."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.accounts.actions import remove_totp_devices, unlock_account

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockedAccountAdmin(AccessAttemptAdmin):
    actions = ["unlock"]

    @admin.action(description=gettext_lazy("Unlock the selected accounts"), permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        usernames = sorted({attempt.username for attempt in queryset if attempt.username})
        for username in usernames:
            unlock_account(acting_user=request.user, username=username)
        self.message_user(
            request, _("Unlocked: %(names)s") % {"names": ", ".join(usernames)}, messages.SUCCESS
        )


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class KumokanUserAdmin(UserAdmin):  # type: ignore[type-arg]
    actions = ["reset_two_factor"]

    @admin.action(description=gettext_lazy("Reset two-factor authentication"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        if not request.user.is_superuser:  # type: ignore[union-attr]
            self.message_user(request, _("Only an administrator may do this."), messages.ERROR)
            return
        for user in queryset:
            remove_totp_devices(acting_user=request.user, user=user)
        self.message_user(request, _("Two-factor authentication was reset."), messages.SUCCESS)
