"""Issue 13, hole 3: an API token never outlives the two-factor rule.

The rule is checked at each use of a token: a person whose roles require a second factor and who has
no confirmed device reaches nothing with it. Removing a device revokes the person's tokens.
"""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.accounts.actions import enrol_totp_device, remove_totp_devices
from kumokan.accounts.two_factor import new_key
from kumokan.api.actions import issue_api_token
from kumokan.api.models import ApiToken
from kumokan.api.tests.support import ApiClient, assert_error
from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.tenancy.actions import grant_membership
from kumokan.tenancy.choices import Role


def test_a_token_stops_working_when_its_user_gains_a_role_that_needs_a_second_factor(db):
    c = f.city("kobe")
    application = f.submitted(c)
    person = f.member(c.municipality, Role.STAFF, c.department)
    _token, text = issue_api_token(acting_user=person, user=person, name="集計")
    client = ApiClient(text)
    assert client.get("/me").status_code == 200

    grant_membership(
        acting_user=c.administrator, user=person, municipality=c.municipality, role=Role.SECURITY_MANAGER
    )

    body = assert_error(client.get("/approvals"), 403)
    assert "二要素認証" in body["message"]
    assert_error(client.get("/me"), 403)
    decision = client.post(
        f"/applications/{application.pk}/decisions",
        {"version": f.fresh(application).version, "outcome": "approved"},
    )
    assert_error(decision, 403)
    assert not Decision.objects.filter(application=application).exists()

    enrol_totp_device(acting_user=person, hex_key=new_key())

    assert [a["id"] for a in client.get("/approvals").json()["results"]] == [application.pk]


def test_removing_a_device_revokes_the_tokens_of_its_user(db):
    c = f.city("kobe")
    person = f.member(c.municipality, Role.STAFF, c.department)
    enrol_totp_device(acting_user=person, hex_key=new_key())
    token, text = issue_api_token(acting_user=person, user=person, name="集計")

    remove_totp_devices(acting_user=person, user=person)

    assert not TOTPDevice.objects.filter(user=person).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=person).count() == 1
    assert_error(ApiClient(text).get("/me"), 401)


def test_an_administrators_reset_of_a_device_revokes_the_tokens_too(db, admin_user):
    c = f.city("kobe")
    approver = c.security_manager
    enrol_totp_device(acting_user=approver, hex_key=new_key())
    token, text = issue_api_token(acting_user=approver, user=approver, name="決裁")
    assert ApiClient(text).get("/approvals").status_code == 200

    remove_totp_devices(acting_user=admin_user, user=approver)

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=admin_user).exists()
    assert_error(ApiClient(text).get("/approvals"), 401)
