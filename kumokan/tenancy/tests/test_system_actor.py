"""Issue 13: kumokan itself acts as the explicit SYSTEM actor; an action called with no actor is refused.

`acting_user=None` used to mean "kumokan itself" and skipped every check, so any path that lost its
actor acted with every right.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.api.actions import issue_api_token
from kumokan.api.models import ApiToken
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.catalog.access import may_manage
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import add_department, create_municipality, grant_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality

pytestmark = pytest.mark.django_db


def test_an_action_with_no_actor_is_refused_and_changes_nothing():
    c = f.city("kobe")
    stranger = f.user("stranger")

    with pytest.raises(PermissionDenied):
        grant_membership(
            acting_user=None, user=stranger, municipality=c.municipality, role=Role.ADMINISTRATOR
        )
    with pytest.raises(PermissionDenied):
        add_department(acting_user=None, municipality=c.municipality, name="総務局", code="somu")
    with pytest.raises(PermissionDenied):
        create_municipality(acting_user=None, slug="osaka", name="大阪市", pack_id="osaka")
    with pytest.raises(PermissionDenied):
        issue_api_token(acting_user=None, user=c.chief, name="t")
    with pytest.raises(PermissionDenied):
        may_manage(None, c.municipality)

    assert not Membership.objects.filter(user=stranger).exists()
    assert not Department.objects.filter(code="somu").exists()
    assert not Municipality.objects.filter(slug="osaka").exists()
    assert not ApiToken.objects.exists()


def test_kumokan_itself_acts_as_system_and_is_recorded_so():
    c = f.city("kobe")
    stranger = f.user("stranger")

    membership = grant_membership(
        acting_user=SYSTEM, user=stranger, municipality=c.municipality, role=Role.STAFF
    )

    event = AuditEvent.objects.get(action="membership.grant", target_id=str(membership.pk))
    assert event.actor is None and event.actor_name == "system"
