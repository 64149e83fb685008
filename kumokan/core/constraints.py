"""The check constraints several tables share, each written once with its one message.

A table's status (or kind, or answer) is one of its choices; a period does not end before it starts; a
version or a number counts from 1. Each model states which of its columns the rule applies to; the
constraint's name follows the column, so the names stay the ones the tables have always had.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

STATUS_NOT_VALID = _("The status is not valid.")


def one_of(
    field: str, choices: type[models.TextChoices], message: Any = STATUS_NOT_VALID
) -> models.CheckConstraint:
    """`field` holds one of `choices` (named "<table>_<field>_valid")."""
    return models.CheckConstraint(
        name=f"%(app_label)s_%(class)s_{field}_valid",
        condition=Q(**{f"{field}__in": choices.values}),
        violation_error_message=message,
    )


def ordered(start: str, end: str, name: str, message: Any) -> models.CheckConstraint:
    """The period from `start` to `end` does not end before it starts (either may be unknown); named
    "<table>_<name>_ordered"."""
    return models.CheckConstraint(
        name=f"%(app_label)s_%(class)s_{name}_ordered",
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        violation_error_message=message,
    )


def use_period_ordered() -> models.CheckConstraint:
    """An application's or a ledger entry's period of use (period_start to period_end) is in order."""
    return ordered("period_start", "period_end", "period", _("The end of use cannot be before its start."))


def counts_from_one(field: str, message: Any) -> models.CheckConstraint:
    """`field` is 1 or more (named "<table>_<field>_positive")."""
    return models.CheckConstraint(
        name=f"%(app_label)s_%(class)s_{field}_positive",
        condition=Q(**{f"{field}__gte": 1}),
        violation_error_message=message,
    )


def version_counts_from_one() -> models.CheckConstraint:
    """The optimistic-locking version of an application or a ledger entry starts at 1."""
    return counts_from_one("version", _("The version is at least 1."))
