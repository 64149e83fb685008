"""Single sign-on by OpenID Connect (mozilla-django-oidc), on only when KUMOKAN_OIDC_* variables are set.

The city's identity provider says who the person is; kumokan still says what they may do
(memberships), and still asks a second factor of those whose roles require one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class CityOIDCBackend(OIDCAuthenticationBackend):
    """Matches the provider's `preferred_username` claim (else e-mail) to an existing kumokan account."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        users = get_user_model().objects.filter(is_active=True)
        username = claims.get("preferred_username")
        if username:
            return users.filter(username__iexact=username)
        email = claims.get("email")
        if email:
            return users.filter(email__iexact=email)
        return users.none()

    def get_username(self, claims: dict[str, Any]) -> str:
        return str(claims.get("preferred_username") or super().get_username(claims))
