"""`manage.py saml_provider`: a city's SAML IdP set up from its metadata or field by field, audited,
with a clear error for bad input and nothing half-written."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kumokan.accounts.actions import save_identity_provider
from kumokan.accounts.models import IdentityProvider
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM


def saml_provider(*args: str, **options: object) -> str:
    out = StringIO()
    call_command(
        "saml_provider", "kobe-saml", *args, municipality="kobe", name="神戸市 SAML", stdout=out, **options
    )
    return out.getvalue()


def test_from_the_idps_metadata_with_the_certificates_fingerprint(kobe, saml_idps) -> None:
    idp = saml_idps["kobe"]

    out = saml_provider(metadata=idp.entity_id)

    provider = IdentityProvider.objects.get(slug="kobe-saml")
    assert (provider.issuer, provider.sso_url, provider.slo_url) == (
        idp.entity_id,
        f"{idp.base}/sso",
        f"{idp.base}/slo",
    )
    assert "".join(idp.certificate.split()[2:-2]) in "".join(provider.idp_certificate.split())
    assert "SHA-256 " in out and "/sso/kobe-saml/saml/metadata/" in out
    event = AuditEvent.objects.get(action=Action.ACCOUNT_SSO_PROVIDER)
    assert event.after["protocol"] == "saml" and event.after["issuer"] == idp.entity_id


def test_field_by_field_and_without_single_logout(kobe, saml_idps) -> None:
    idp = saml_idps["kobe"]

    saml_provider(
        entity_id="urn:city:kobe:idp", sso_url=f"{idp.base}/sso", certificate=str(idp.cert), no_logout=True
    )

    provider = IdentityProvider.objects.get(slug="kobe-saml")
    assert (provider.issuer, provider.slo_url) == ("urn:city:kobe:idp", "")


def test_metadata_over_plain_http_to_another_host_is_refused(kobe) -> None:
    with pytest.raises(CommandError, match="https"):
        saml_provider(metadata="http://idp.city.kobe.example.jp/metadata")
    assert not IdentityProvider.objects.exists()


def test_bad_input_is_a_clear_error_and_writes_nothing(kobe, saml_idps, tmp_path) -> None:
    not_metadata = tmp_path / "page.xml"
    not_metadata.write_text("<html><body>not metadata</body></html>")
    with pytest.raises(CommandError, match="metadata"):
        saml_provider(metadata=str(not_metadata))
    not_a_certificate = tmp_path / "idp.crt"
    not_a_certificate.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(CommandError, match="not a PEM certificate"):
        saml_provider(
            entity_id="urn:x", sso_url="https://idp.example.jp/sso", certificate=str(not_a_certificate)
        )
    with pytest.raises(CommandError, match="--metadata"):
        saml_provider(entity_id="urn:x")
    assert not IdentityProvider.objects.exists()


def test_one_protocols_provider_is_not_turned_into_the_other(kobe, saml_idps) -> None:
    saml_provider(metadata=saml_idps["kobe"].entity_id)

    with pytest.raises(CommandError, match="saml_provider"):
        call_command(
            "sso_provider",
            "kobe-saml",
            municipality="kobe",
            name="x",
            issuer="https://idp.example.jp",
            client_id="kumokan",
            secret_env="X",
            stdout=StringIO(),
        )


def test_a_saml_provider_needs_its_sso_url_and_certificate_and_no_client_secret(kobe) -> None:
    provider = IdentityProvider(
        municipality=kobe, slug="kobe-saml", name="x", protocol="saml", issuer="urn:x"
    )
    with pytest.raises(ValidationError) as refused:
        save_identity_provider(acting_user=SYSTEM, provider=provider)
    assert set(refused.value.message_dict) == {"sso_url", "idp_certificate"}

    provider.sso_url, provider.idp_certificate, provider.client_secret_env = (
        "https://i.example.jp/sso",
        "PEM",
        "X",
    )
    with pytest.raises(ValidationError):
        save_identity_provider(acting_user=SYSTEM, provider=provider)
    assert not IdentityProvider.objects.exists()
