"""Who takes an action: a person, or kumokan itself (SYSTEM), and never nobody.

An action takes `acting_user`. A management command, a scheduled job or the demo loader passes
SYSTEM, and only the actions that say so let it through; None (which once meant the same thing and
skipped every check) is refused, so a forgotten actor can no longer pass as kumokan itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails


class SystemActor:
    """kumokan itself: signs in nowhere, holds no role, and is recorded in the audit trail as "system"."""

    pk = None
    is_authenticated = False
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()

# The type of every action's `acting_user`: a person's account, or kumokan itself.
Actor: TypeAlias = "User | SystemActor"


def is_system(actor: Actor | None) -> bool:
    """Whether kumokan itself acts; an action called with no actor at all is refused."""
    if actor is None:
        raise PermissionDenied("An action needs its acting user; kumokan itself acts as SYSTEM.")
    return actor is SYSTEM


def person(actor: Actor) -> User | None:
    """The user to store in a "done by" column: the person, or None for kumokan itself."""
    return None if is_system(actor) or isinstance(actor, SystemActor) else actor


def signed_in(actor: Actor) -> User:
    """The person who acts, for a column that names a person (an applicant, a decider, a reporter).

    kumokan itself holds no role, so every action that writes such a column has refused it already;
    this says so where the column is written, and refuses loudly should that check ever be missed.
    """
    if is_system(actor) or isinstance(actor, SystemActor) or not actor.is_authenticated:
        raise PermissionDenied("This step is a person's: kumokan itself (SYSTEM) cannot take it.")
    return actor


class SignedInRequest(HttpRequest):
    """A request whose user has signed in: a view behind @login_required, an API operation behind TokenAuth.

    HtmxMiddleware (settings.MIDDLEWARE) gives every request its `htmx` details too.
    """

    user: User
    htmx: HtmxDetails


def display_name(user: Any) -> str:
    """A person's name as Japanese documents write it (family name first), or the username."""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()
