"""Provider groups give city-wide roles at sign-in only where an administrator approved the mapping."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.accounts.actions import approve_group_mapping
from kumokan.accounts.choices import LinkMethod
from kumokan.accounts.models import ExternalIdentity, GroupRoleMapping
from kumokan.accounts.tests.conftest import sso
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.tenancy.access import roles_of
from kumokan.tenancy.actions import revoke_membership
from kumokan.tenancy.models import Membership


@pytest.fixture
def linked(idp, test_provider, person):
    idp.scopes = "openid email profile groups"
    idp.save()
    user = person("tanaka", "applicant")
    ExternalIdentity.objects.create(
        provider=idp, subject="sub-tanaka", user=user, method=LinkMethod.ADMINISTRATOR
    )
    test_provider.person("sub-tanaka", groups=["kumokan-auditors", "everyone"])
    return user


def test_an_approved_group_gives_its_role_at_sign_in(
    client: Client, idp, linked, provider_browser, person
) -> None:
    admin = person("admin", "administrator")
    approve_group_mapping(acting_user=admin, provider=idp, group="kumokan-auditors", role="auditor")

    sso(client, provider_browser, "sub-tanaka")

    assert roles_of(linked, idp.municipality) == {"applicant", "auditor"}
    assert AuditEvent.objects.filter(action=Action.MEMBERSHIP_GRANT, actor=admin).count() == 1
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_SSO_PROVIDER, actor=admin).exists()


def test_a_group_without_an_approved_mapping_gives_nothing(
    client: Client, idp, linked, provider_browser
) -> None:
    sso(client, provider_browser, "sub-tanaka")

    assert roles_of(linked, idp.municipality) == {"applicant"}


def test_only_the_citys_administrator_approves_a_mapping(idp, person) -> None:
    with pytest.raises(WorkflowError):
        approve_group_mapping(
            acting_user=person("kyoka", "approver"), provider=idp, group="g", role="approver"
        )
    assert not GroupRoleMapping.objects.exists()


def test_a_mapping_whose_approver_is_no_longer_administrator_grants_nothing(
    client: Client, idp, linked, provider_browser, person
) -> None:
    admin = person("admin", "administrator")
    approve_group_mapping(acting_user=admin, provider=idp, group="kumokan-auditors", role="auditor")
    root = person("root", is_superuser=True)
    revoke_membership(acting_user=root, membership=Membership.objects.get(user=admin))

    sso(client, provider_browser, "sub-tanaka")

    assert roles_of(linked, idp.municipality) == {"applicant"}
