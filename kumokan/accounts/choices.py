"""How an account came to be linked to a provider's subject, and why a single sign-on was refused."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkMethod(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Linked by an administrator")
    PASSWORD_CONFIRMED = "password_confirmed", _("Confirmed by the person with their kumokan password")
    CREATED = "created", _("Account created at the first sign-in")


class Protocol(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


class RefusalReason(models.TextChoices):
    PROVIDER_ERROR = "provider_error", _("The identity provider answered with an error")
    STATE_UNKNOWN = "state_unknown", _("The sign-in was already completed or has expired")
    CODE_REFUSED = "code_refused", _("The provider did not accept the sign-in code")
    UNREACHABLE = "unreachable", _("The provider could not be reached")
    UNVERIFIABLE = "unverifiable", _("The provider's answer failed verification")
    MISCONFIGURED = "misconfigured", _("The provider's settings in kumokan are incomplete")
    UNKNOWN_PERSON = "unknown_person", _("No account is linked to this person")
    UNVERIFIED_EMAIL = "unverified_email", _("Not linked, and the e-mail address is not verified")
    OTHER_MUNICIPALITY = (
        "other_municipality",
        _("The e-mail address belongs to another municipality's account"),
    )
    ALREADY_LINKED = "already_linked", _("The matching account is linked to another person at this provider")
    AMBIGUOUS = "ambiguous", _("Several accounts have this e-mail address")
    NO_PASSWORD = "no_password", _("The matching account has no password to confirm the link with")
    ACCOUNT_DISABLED = "account_disabled", _("The kumokan account is disabled")
    SESSION_ENDED = "session_ended", _("The provider no longer confirms the person (session ended)")
    NAME_ID_NOT_PERSISTENT = (
        "name_id_not_persistent",
        _("The SAML NameID is not persistent (transient or e-mail), so it cannot identify a linked account"),
    )
    REPLAYED = "replayed", _("The SAML assertion was already used")
    UNSOLICITED = "unsolicited", _("The SAML response answers no sign-in started here")
    SP_KEY_MISSING = "sp_key_missing", _("kumokan's SAML key or certificate is missing")
