"""Unlocking an account, resetting a second factor and single sign-on links from the admin, each audited."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.accounts.actions import (
    approve_group_mapping,
    check_link,
    link_identity,
    remove_totp_devices,
    unlink_identity,
    unlock_account,
)
from kumokan.accounts.choices import LinkMethod
from kumokan.accounts.models import ExternalIdentity, GroupRoleMapping, IdentityProvider, SignInRefusal
from kumokan.core.actors import Actor
from kumokan.errors import WorkflowError, as_sentence
from kumokan.tenancy.access import role_label

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


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read here; set with `manage.py sso_provider` (OpenID Connect: checks the discovery document) or
    `manage.py saml_provider` (SAML: reads the IdP's metadata), both audited."""

    list_display = [
        "name",
        "municipality",
        "slug",
        "protocol",
        "issuer",
        "client_id",
        "create_users",
        "is_active",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LinkForm(forms.ModelForm):  # type: ignore[type-arg]
    """The administrator's link, refused with the action's own reasons (another city's account, taken)."""

    acting_user: Actor | None = None

    class Meta:
        model = ExternalIdentity
        fields = ["provider", "subject", "user"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if not self.errors:
            try:
                check_link(
                    acting_user=self.acting_user,
                    provider=cleaned["provider"],
                    subject=cleaned["subject"],
                    user=cleaned["user"],
                    method=LinkMethod.ADMINISTRATOR,
                )
            except WorkflowError as exc:
                raise ValidationError(as_sentence(exc.message)) from exc
        return cleaned


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An administrator links an account to a provider's subject, or removes a link; both audited."""

    form = LinkForm
    list_display = ["user", "provider", "subject", "method", "linked_at"]
    list_filter = ["provider", "method"]
    search_fields = ["user__username", "subject"]
    fields = ["provider", "subject", "user"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.acting_user = request.user
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        identity = link_identity(
            acting_user=request.user,
            provider=obj.provider,
            subject=obj.subject,
            user=obj.user,
            method=LinkMethod.ADMINISTRATOR,
        )
        obj.pk = identity.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        unlink_identity(acting_user=request.user, identity=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for identity in queryset:
            unlink_identity(acting_user=request.user, identity=identity)


@admin.register(SignInRefusal)
class SignInRefusalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Refused single sign-ons, per provider and account (never counted as wrong passwords)."""

    list_display = ["at", "provider", "reason", "user", "subject", "address", "detail"]
    list_filter = ["provider", "reason"]
    search_fields = ["subject", "user__username", "address"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GroupRoleMapping)
class GroupRoleMappingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An administrator approves that a provider group gives a role at sign-in (audited)."""

    list_display = ["provider", "group", "role_title", "approved_by", "approved_at"]
    list_filter = ["provider", "role"]
    list_select_related = ["provider__municipality", "approved_by"]
    fields = ["provider", "group", "role"]

    @admin.display(description=gettext_lazy("role"), ordering="role")
    def role_title(self, mapping: GroupRoleMapping) -> str:
        """The role by the title of the provider's city (Kobe: 外部サービス管理者), kumokan's label in English."""
        return role_label(mapping.provider.municipality, mapping.role)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        mapping = approve_group_mapping(
            acting_user=request.user, provider=obj.provider, group=obj.group, role=obj.role
        )
        obj.pk = mapping.pk
