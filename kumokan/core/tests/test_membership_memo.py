"""The permission table reads a user's memberships once per request, and never answers from before a
change of roles made in the same process."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kumokan.applications.tests import factories as f
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership
from kumokan.tenancy.permissions import Capability, allows, memberships_granting

pytestmark = pytest.mark.django_db


def test_a_role_given_or_taken_is_seen_by_the_same_user_object_at_once() -> None:
    city = f.city()
    person = city.staff
    assert not allows(person, Capability.ORDER_RECHECK)

    given = Membership.objects.create(user=person, municipality=city.municipality, role=Role.SECURITY_MANAGER)
    assert allows(person, Capability.ORDER_RECHECK)

    given.delete()
    assert not allows(person, Capability.ORDER_RECHECK)


def test_repeated_checks_read_the_memberships_once() -> None:
    city = f.city()
    person = city.chief
    allows(person, Capability.VIEW_LEDGER)
    with CaptureQueriesContext(connection) as reads:
        for capability in Capability:
            memberships_granting(person, capability)
    assert [q["sql"] for q in reads.captured_queries if "tenancy_membership" in q["sql"]] == []


def test_a_page_reads_the_memberships_once(client: Client) -> None:
    city = f.city()
    f.entry(city)
    client.force_login(city.chief)
    client.get("/ledger/")
    with CaptureQueriesContext(connection) as reads:
        assert client.get("/ledger/").status_code == 200
    membership_reads = [q for q in reads.captured_queries if 'FROM "tenancy_membership"' in q["sql"]]
    assert len(membership_reads) == 1
