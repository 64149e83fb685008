"""Account steps that change state: second factor, unlocking, and single sign-on links and providers."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.accounts.choices import LinkMethod
from kumokan.accounts.models import ExternalIdentity, GroupRoleMapping, IdentityProvider
from kumokan.accounts.signals import two_factor_removed
from kumokan.accounts.two_factor import new_key, requires_two_factor
from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, is_system, signed_in
from kumokan.errors import CHOICES, WorkflowError, joined
from kumokan.tenancy.actions import grant_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership
from kumokan.tenancy.permissions import Capability, can

DEVICE_NAME = "kumokan"
# Made by `manage.py demo` only; `manage.py demo_otp` shows codes for no other device.
DEMO_DEVICE_NAME = "demo"
ONLY_ADMINISTRATOR = gettext_lazy("Only an administrator may do this.")


def enrol_totp_device(*, acting_user: Actor, hex_key: str, name: str = DEVICE_NAME) -> TOTPDevice:
    """Store the user's verified TOTP secret as their one device (replacing any earlier one)."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=signed_in(acting_user).pk)
        before = {"devices": list(TOTPDevice.objects.filter(user=user).values_list("name", flat=True))}
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=name, key=hex_key, confirmed=True)
        record(acting_user, Action.ACCOUNT_TWO_FACTOR_ENROL, user, before, {"devices": [name]})
    return device


def remove_totp_devices(*, acting_user: Actor, user: Any) -> None:
    """Remove a user's devices: their own choice where not required, or an administrator's reset."""
    if acting_user.pk == user.pk and requires_two_factor(user):
        raise WorkflowError(
            gettext_lazy("Your roles require two-factor authentication; the device cannot be removed."),
            code="two_factor_required",
        )
    if acting_user.pk != user.pk and not acting_user.is_superuser:
        raise WorkflowError(ONLY_ADMINISTRATOR, code="forbidden")
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        names = list(TOTPDevice.objects.filter(user=locked).values_list("name", flat=True))
        if not names:
            return
        TOTPDevice.objects.filter(user=locked).delete()
        record(acting_user, Action.ACCOUNT_TWO_FACTOR_REMOVE, locked, {"devices": names}, {"devices": []})
        # A token issued while the second factor guarded the account does not outlive it (the API's).
        two_factor_removed.send(sender=TOTPDevice, acting_user=acting_user, user=locked)


def unlock_account(*, acting_user: Actor, username: str) -> int:
    """Clear the failed sign-ins that locked `username` out; returns how many records were cleared."""
    # An administrator's step in the admin site: kumokan itself holds no permission to ask about.
    if not signed_in(acting_user).has_perm("axes.delete_accessattempt"):
        raise WorkflowError(ONLY_ADMINISTRATOR, code="forbidden")
    with transaction.atomic():
        cleared: int = AxesProxyHandler.reset_attempts(username=username)
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            record(acting_user, Action.ACCOUNT_UNLOCK, user, {"locked": True}, {"locked": False})
    return cleared


def give_demo_device(user: Any) -> TOTPDevice:
    """The demo user's TOTP device, enrolled once under a fixed name (`manage.py demo` prints its secret)."""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    return device or enrol_totp_device(acting_user=user, hex_key=new_key(), name=DEMO_DEVICE_NAME)


def _may_administer(acting_user: Actor, municipality: Any) -> bool:
    return bool(acting_user.is_superuser or can(acting_user, Capability.ADMINISTER, municipality))


def _check_administrators_link(acting_user: Actor, municipality: Any, user: Any) -> None:
    """An administrator links only accounts they administer wholly: whoever holds the linked subject
    becomes the account, with its roles in every city and its superuser status."""
    if not _may_administer(acting_user, municipality):
        raise WorkflowError(ONLY_ADMINISTRATOR, code="forbidden")
    if acting_user.is_superuser:
        return
    if user.is_superuser:
        raise WorkflowError(
            gettext_lazy("Only a superuser may link a superuser's account."), code="forbidden"
        )
    others = sorted(
        {
            membership.municipality.name
            for membership in Membership.objects.filter(user=user).select_related("municipality")
            if not _may_administer(acting_user, membership.municipality)
        }
    )
    if others:
        raise WorkflowError(
            gettext_lazy(
                "%(user)s is also an account of %(others)s, whose administrator you are not, so you may not "
                "link it (ask a superuser)."
            ),
            code="other_municipality",
            params={"user": user.get_username(), "others": joined(others, CHOICES)},
        )


def check_link(
    *, acting_user: Actor, provider: IdentityProvider, subject: str, user: Any, method: LinkMethod
) -> None:
    """Raise WorkflowError unless this link may be made (link_identity asks again under the lock)."""
    municipality = provider.municipality
    if method == LinkMethod.ADMINISTRATOR:
        _check_administrators_link(acting_user, municipality, user)
    if method == LinkMethod.PASSWORD_CONFIRMED and acting_user.pk != user.pk:
        raise WorkflowError(
            gettext_lazy("Only the person may confirm a link with their password."),
            code="forbidden",
        )
    if not subject:
        raise WorkflowError(
            gettext_lazy("The subject (sub) is empty."),
            code="invalid",
        )
    if (
        method != LinkMethod.CREATED
        and not Membership.objects.filter(user=user, municipality=municipality).exists()
    ):
        raise WorkflowError(
            gettext_lazy("%(user)s is not an account of %(municipality)s."),
            code="other_municipality",
            params={"user": user.get_username(), "municipality": municipality.name},
        )
    taken = ExternalIdentity.objects.filter(provider=provider)
    if taken.filter(subject=subject).exists():
        raise WorkflowError(
            gettext_lazy("This provider account is already linked to a kumokan account."),
            code="already_linked",
        )
    if taken.filter(user=user).exists():
        raise WorkflowError(
            gettext_lazy("This kumokan account is already linked to another account of this provider."),
            code="already_linked",
        )


def link_identity(
    *, acting_user: Actor, provider: IdentityProvider, subject: str, user: Any, method: LinkMethod
) -> ExternalIdentity:
    """Bind (provider, sub) to `user`: an administrator's link, the person's password-confirmed one, or creation.

    The account must belong to the provider's municipality, and neither side may be linked already:
    a link is never moved by a later sign-in, only removed (unlink_identity) and made again.
    """
    municipality = provider.municipality
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        check_link(acting_user=acting_user, provider=provider, subject=subject, user=locked, method=method)
        identity = ExternalIdentity.objects.create(
            provider=provider, subject=subject, user=locked, method=method
        )
        after = {
            "provider": provider.slug,
            "issuer": provider.issuer,
            "subject": subject,
            "user": locked.get_username(),
            "method": method.value,
        }
        record(acting_user, Action.ACCOUNT_SSO_LINK, identity, None, after, municipality=municipality)
    return identity


def unlink_identity(*, acting_user: Actor, identity: ExternalIdentity) -> None:
    """Remove a link (an administrator's step): the provider account no longer signs anyone in."""
    if not _may_administer(acting_user, identity.provider.municipality):
        raise WorkflowError(ONLY_ADMINISTRATOR, code="forbidden")
    with transaction.atomic():
        locked = (
            ExternalIdentity.objects.select_for_update()
            .select_related("provider", "user")
            .get(pk=identity.pk)
        )
        before = {
            "provider": locked.provider.slug,
            "subject": locked.subject,
            "user": locked.user.get_username(),
            "method": locked.method,
        }
        record(
            acting_user,
            Action.ACCOUNT_SSO_UNLINK,
            locked,
            before,
            None,
            municipality=locked.provider.municipality,
        )
        locked.delete()


PROVIDER_FIELDS = (
    "municipality",
    "slug",
    "name",
    "issuer",
    "client_id",
    "client_secret_env",
    "client_secret_file",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_endpoint",
    "end_session_endpoint",
    "scopes",
    "sign_algo",
    "create_users",
    "recheck_minutes",
    "is_active",
    "protocol",
    "sso_url",
    "slo_url",
    "idp_certificate",
    "saml_email_verified",
)


# What the links of a provider were made against: another issuer's (or protocol's) subject of the same
# name is another person, and a link was checked against the municipality's accounts.
LINKED_FIELDS = ("issuer", "protocol", "municipality")


def _provider_values(provider: IdentityProvider) -> dict[str, Any]:
    values = {name: getattr(provider, name) for name in PROVIDER_FIELDS if name != "municipality"}
    return values | {"municipality": provider.municipality.slug}


def save_identity_provider(*, acting_user: Actor, provider: IdentityProvider) -> IdentityProvider:
    """Create or change a municipality's identity provider (a superuser's step; the secret is never stored)."""
    if not is_system(acting_user) and not acting_user.is_superuser:
        raise WorkflowError(ONLY_ADMINISTRATOR, code="forbidden")
    provider.full_clean()
    with transaction.atomic():
        before = None
        if provider.pk is not None:
            before = _provider_values(IdentityProvider.objects.select_for_update().get(pk=provider.pk))
            changed = [name for name in LINKED_FIELDS if before[name] != _provider_values(provider)[name]]
            if changed and ExternalIdentity.objects.filter(provider=provider).exists():
                raise WorkflowError(
                    gettext_lazy(
                        "%(provider)s has linked accounts, so its %(fields)s cannot change (the same sub at "
                        "another issuer is another person). Set up the new provider under a new identifier and "
                        "link the accounts again."
                    ),
                    code="provider_linked",
                    params={"provider": provider.slug, "fields": ", ".join(changed)},
                )
        provider.save()
        after = _provider_values(provider)
        record(
            acting_user,
            Action.ACCOUNT_SSO_PROVIDER,
            provider,
            before,
            after,
            municipality=provider.municipality,
        )
    return provider


def approve_group_mapping(
    *, acting_user: Actor, provider: IdentityProvider, group: str, role: str
) -> GroupRoleMapping:
    """An administrator of the provider's municipality lets members of `group` get `role` at sign-in."""
    if not _may_administer(acting_user, provider.municipality):
        raise WorkflowError(ONLY_ADMINISTRATOR, code="forbidden")
    group = group.strip()
    if not group or role not in Role.values:
        raise WorkflowError(
            gettext_lazy("Give a group and a role."),
            code="invalid",
        )
    with transaction.atomic():
        mapping, created = GroupRoleMapping.objects.get_or_create(
            provider=provider, group=group, role=role, defaults={"approved_by": signed_in(acting_user)}
        )
        if created:
            after = {"group_mapping": {"group": group, "role": role}}
            record(
                acting_user,
                Action.ACCOUNT_SSO_PROVIDER,
                provider,
                None,
                after,
                municipality=provider.municipality,
            )
    return mapping


def grant_roles_of_groups(*, provider: IdentityProvider, user: Any, groups: list[str]) -> list[str]:
    """At sign-in: the city-wide roles approved for the person's provider groups (never taken away here).

    Each grant is the approving administrator's (tenancy's grant_membership, audited); a mapping
    whose approver is no longer an administrator grants nothing.
    """
    granted = []
    for mapping in provider.group_mappings.filter(group__in=groups).select_related("approved_by"):
        held = Membership.objects.filter(
            user=user, municipality=provider.municipality, role=mapping.role, department=None
        )
        if held.exists():
            continue
        try:
            grant_membership(
                acting_user=mapping.approved_by,
                user=user,
                municipality=provider.municipality,
                role=mapping.role,
            )
        except (PermissionDenied, WorkflowError):
            continue
        granted.append(mapping.role)
    return granted
