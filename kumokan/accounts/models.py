"""Single sign-on: each municipality's identity providers, the accounts linked to their subjects, refusals.

A provider speaks OpenID Connect or SAML 2.0. An account is bound to (provider, sub) once (for SAML the
subject is the persistent NameID, and the provider's `issuer` is the IdP's entityID), by a deliberate step (kumokan.accounts.actions.link_identity);
after that only the provider's `sub` signs the person in, and no claim (e-mail, username) ever binds
or re-binds an account.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kumokan.accounts.choices import LinkMethod, Protocol, RefusalReason
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Municipality

# The settings each protocol needs (the others stay empty).
OIDC_REQUIRED = (
    "client_id",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_endpoint",
)
SAML_REQUIRED = ("sso_url", "idp_certificate")


class IdentityProvider(models.Model):
    """One municipality's identity provider (OpenID Connect or SAML 2.0), and kumokan's registration with it."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="identity_providers",
        verbose_name=_("municipality"),
    )
    slug = models.SlugField(
        _("identifier"), max_length=50, unique=True, help_text=_("Part of the sign-in and callback URLs.")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Shown on the sign-in button."))
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices, default=Protocol.OIDC)
    issuer = models.CharField(
        _("issuer"),
        max_length=300,
        help_text=_("OpenID Connect: exactly the provider's `iss`. SAML: the IdP's entityID."),
    )
    client_id = models.CharField(_("client ID"), max_length=200, blank=True)
    client_secret_env = models.CharField(
        _("client secret: environment variable"),
        max_length=100,
        blank=True,
        help_text=_("The name of the variable that holds the secret (the secret itself is never stored)."),
    )
    client_secret_file = models.CharField(
        _("client secret: file"),
        max_length=300,
        blank=True,
        help_text=_("The path of a file that holds the secret."),
    )
    authorization_endpoint = models.URLField(_("authorization endpoint"), max_length=300, blank=True)
    token_endpoint = models.URLField(_("token endpoint"), max_length=300, blank=True)
    userinfo_endpoint = models.URLField(_("userinfo endpoint"), max_length=300, blank=True)
    jwks_endpoint = models.URLField(_("JWKS endpoint"), max_length=300, blank=True)
    end_session_endpoint = models.URLField(
        _("end-session endpoint"),
        max_length=300,
        blank=True,
        help_text=_("If set, signing out of kumokan also ends the provider's session."),
    )
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    sign_algo = models.CharField(_("ID token signature algorithm"), max_length=10, default="RS256")
    create_users = models.BooleanField(
        _("create accounts"),
        default=False,
        help_text=_("An unknown person's first sign-in creates an account without roles."),
    )
    recheck_minutes = models.PositiveIntegerField(
        _("re-check interval (minutes)"),
        default=15,
        help_text=_("How often a signed-in session asks the provider whether the person is still active."),
    )
    is_active = models.BooleanField(_("offered on the sign-in page"), default=True)
    sso_url = models.URLField(
        _("SAML single sign-on URL"),
        max_length=300,
        blank=True,
        help_text=_("The IdP's SingleSignOnService (HTTP-Redirect binding)."),
    )
    slo_url = models.URLField(
        _("SAML single logout URL"),
        max_length=300,
        blank=True,
        help_text=_("The IdP's SingleLogoutService (HTTP-Redirect binding); empty if it has none."),
    )
    idp_certificate = models.TextField(
        _("SAML IdP signing certificate"),
        blank=True,
        help_text=_("PEM: responses and assertions must be signed by its key (a public certificate)."),
    )
    saml_email_verified = models.BooleanField(
        _("SAML e-mail attribute is verified"),
        default=False,
        help_text=_(
            "The city's directory keeps the e-mail attribute (the person cannot set it): only then may a "
            "first sign-in propose a link by e-mail, to be confirmed with the password."
        ),
    )

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["municipality", "name"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_secret_source",
                condition=(
                    Q(protocol=Protocol.OIDC)
                    & (
                        (Q(client_secret_env="") & ~Q(client_secret_file=""))
                        | (~Q(client_secret_env="") & Q(client_secret_file=""))
                    )
                )
                | (Q(protocol=Protocol.SAML) & Q(client_secret_env="") & Q(client_secret_file="")),
                violation_error_message=_(
                    "Give the client secret's environment variable or its file, not both."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_recheck_at_least_a_minute",
                condition=Q(recheck_minutes__gte=1),
                violation_error_message=_("The re-check interval is at least one minute."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Each protocol's own settings are given (an OpenID Connect issuer is a URL; an entityID need not be)."""
        required = SAML_REQUIRED if self.protocol == Protocol.SAML else OIDC_REQUIRED
        errors = {name: _("This field is required.") for name in required if not getattr(self, name)}
        if self.protocol == Protocol.OIDC and self.issuer:
            try:
                URLValidator()(self.issuer)
            except ValidationError as exc:
                errors["issuer"] = exc.messages[0]
        if errors:
            raise ValidationError(errors)

    @property
    def is_saml(self) -> bool:
        return self.protocol == Protocol.SAML

    def client_secret(self) -> str:
        """The secret from its environment variable or file (ImproperlyConfigured if it is missing)."""
        if self.client_secret_env:
            secret = os.environ.get(self.client_secret_env, "")
            where = self.client_secret_env
        else:
            where = self.client_secret_file
            try:
                secret = Path(self.client_secret_file).read_text(encoding="utf-8").strip()
            except OSError:
                secret = ""
        if not secret:
            raise ImproperlyConfigured(
                f"The client secret of identity provider {self.slug} is empty or missing: {where}"
            )
        return secret


class ExternalIdentity(models.Model):
    """The person with subject `subject` at `provider` is this kumokan account."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.PROTECT,
        related_name="identities",
        verbose_name=_("identity provider"),
    )
    subject = models.CharField(_("subject (sub)"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    method = models.CharField(_("linked by"), max_length=30, choices=LinkMethod.choices)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("linked provider account")
        verbose_name_plural = _("linked provider accounts")
        ordering = ["provider", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"],
                name="%(app_label)s_%(class)s_unique_subject",
                violation_error_message=_("This provider account is already linked to a kumokan account."),
            ),
            models.UniqueConstraint(
                fields=["provider", "user"],
                name="%(app_label)s_%(class)s_unique_user",
                violation_error_message=_(
                    "This kumokan account is already linked to an account of this provider."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.slug}:{self.subject}"

    @property
    def municipality(self) -> Municipality:
        return self.provider.municipality


class SignInRefusal(models.Model):
    """A refused single sign-on, counted apart from wrong passwords (django-axes never sees it)."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="refusals",
        verbose_name=_("identity provider"),
    )
    reason = models.CharField(_("reason"), max_length=30, choices=RefusalReason.choices)
    subject = models.CharField(_("subject (sub)"), max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_in_refusals",
        verbose_name=_("user"),
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("refused single sign-on")
        verbose_name_plural = _("refused single sign-ons")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.provider.slug} {self.reason} {self.at:%Y-%m-%d %H:%M}"


class SamlAssertionUse(models.Model):
    """An assertion ID already used to sign in: the same assertion is refused until it expires."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="+", verbose_name=_("identity provider")
    )
    assertion_id = models.CharField(_("assertion ID"), max_length=255)
    expires_at = models.DateTimeField(_("valid until"), db_index=True)

    class Meta:
        verbose_name = _("used SAML assertion")
        verbose_name_plural = _("used SAML assertions")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "assertion_id"], name="%(app_label)s_%(class)s_used_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.assertion_id}"


class GroupRoleMapping(models.Model):
    """A provider group whose members get a city-wide role at sign-in, as an administrator approved."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="group_mappings",
        verbose_name=_("identity provider"),
    )
    group = models.CharField(_("provider group"), max_length=200)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group to role mapping")
        verbose_name_plural = _("group to role mappings")
        ordering = ["provider", "group", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "group", "role"],
                name="%(app_label)s_%(class)s_unique_group_role",
                violation_error_message=_("This group already gives this role."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.slug}: {self.group} → {self.role}"
