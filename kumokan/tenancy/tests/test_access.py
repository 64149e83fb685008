"""Which municipalities, departments and roles a user acts in."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from kumokan.applications.tests import factories as f
from kumokan.tenancy.access import departments_of, has_role, municipalities_of, users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def test_has_role_without_a_department_counts_any_department() -> None:
    c = f.city("kobe")
    assert has_role(c.head, c.municipality, Role.DEPARTMENT_HEAD)
    assert has_role(c.security_manager, c.municipality, Role.SECURITY_MANAGER)


def test_has_role_with_a_department_counts_only_that_department() -> None:
    c = f.city("kobe")
    assert has_role(c.head, c.municipality, Role.DEPARTMENT_HEAD, c.department)
    assert not has_role(c.head, c.municipality, Role.DEPARTMENT_HEAD, c.other_department)


def test_has_role_is_per_municipality() -> None:
    c = f.city("kobe")
    other = f.city("amagasaki")
    assert not has_role(c.security_manager, other.municipality, Role.SECURITY_MANAGER)


def test_an_inactive_or_anonymous_user_holds_no_role() -> None:
    c = f.city("kobe")
    c.head.is_active = False
    c.head.save()
    assert not has_role(c.head, c.municipality, Role.DEPARTMENT_HEAD)
    assert not has_role(AnonymousUser(), c.municipality, Role.DEPARTMENT_HEAD)


def test_municipalities_and_departments_of_a_user() -> None:
    c = f.city("kobe")
    other = f.city("amagasaki")
    Membership.objects.create(
        user=c.applicant, municipality=other.municipality, department=other.department, role=Role.STAFF
    )
    assert set(municipalities_of(c.applicant)) == {c.municipality, other.municipality}
    assert list(departments_of(c.applicant, c.municipality)) == [c.department]
    assert list(departments_of(c.security_manager, c.municipality)) == []


def test_users_with_role_in_a_department() -> None:
    c = f.city("kobe")
    assert list(users_with_role(c.municipality, Role.DEPARTMENT_HEAD, c.other_department)) == [c.other_head]


def test_a_role_is_held_once_per_department() -> None:
    c = f.city("kobe")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=c.head, municipality=c.municipality, department=c.department, role=Role.DEPARTMENT_HEAD
        )


def test_a_citywide_role_is_held_once_too() -> None:
    c = f.city("kobe")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=c.chief, municipality=c.municipality, role=Role.CHIEF)
