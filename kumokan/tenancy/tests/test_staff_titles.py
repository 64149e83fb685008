"""A person's own title (職名) is recorded by the administrator and printed beside their name (issue 17 point 4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.tenancy.access import own_title
from kumokan.tenancy.actions import set_staff_title

pytestmark = pytest.mark.django_db


def test_a_person_without_a_recorded_title_has_none_not_a_roles_title() -> None:
    c = f.city("kitakyushu", overlays=())
    assert own_title(c.head, c.municipality) == ""
    assert own_title(c.chief, c.municipality) == ""


def test_the_administrator_records_a_title_and_the_audit_keeps_it() -> None:
    c = f.city("kobe")
    set_staff_title(acting_user=c.administrator, user=c.head, municipality=c.municipality, title=" 住民課長 ")
    assert own_title(c.head, c.municipality) == "住民課長"
    event = AuditEvent.objects.get(action="staff_title.set")
    assert (event.before, event.after) == (None, {"user": c.head.pk, "title": "住民課長"})

    set_staff_title(acting_user=c.administrator, user=c.head, municipality=c.municipality, title="市民局長")
    assert own_title(c.head, c.municipality) == "市民局長"
    set_staff_title(acting_user=c.administrator, user=c.head, municipality=c.municipality, title="")
    assert own_title(c.head, c.municipality) == ""
    assert AuditEvent.objects.filter(action="staff_title.set").count() == 3


def test_a_title_is_the_citys_own_another_city_sees_none() -> None:
    kobe, osaka = f.city("kobe"), f.city("osaka")
    set_staff_title(
        acting_user=kobe.administrator, user=kobe.head, municipality=kobe.municipality, title="課長"
    )
    assert own_title(kobe.head, osaka.municipality) == ""


def test_only_the_administrator_records_titles() -> None:
    c = f.city("kobe")
    with pytest.raises(PermissionDenied):
        set_staff_title(acting_user=c.head, user=c.head, municipality=c.municipality, title="局長")
    assert own_title(c.head, c.municipality) == ""


def test_a_person_of_no_role_in_the_city_gets_no_title_there() -> None:
    kobe, osaka = f.city("kobe"), f.city("osaka")
    with pytest.raises(WorkflowError):
        set_staff_title(
            acting_user=kobe.administrator, user=osaka.head, municipality=kobe.municipality, title="課長"
        )
