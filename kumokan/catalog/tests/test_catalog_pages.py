"""The catalogue's pages: who may see and change what, one behaviour each (the actions are tested apart)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.catalog.actions.certifications import add_certification
from kumokan.catalog.actions.ismap_import import read_ismap_list_dry_run
from kumokan.catalog.choices import CertificationStatus, ImportStatus
from kumokan.catalog.models import Certification, CertificationEvidence, IsmapImport
from kumokan.catalog.tests import factories as cf
from kumokan.catalog.tests.ismap_sample import row, workbook
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def kobe() -> f.City:
    return f.city("kobe")


@pytest.fixture
def registration(kobe: f.City) -> Certification:
    service = cf.service(kobe.municipality, "電子申請サービス")
    return cf.ismap(kobe.municipality, audit_period_end=datetime.date(2099, 3, 31), services=(service,))


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_their_city_s_providers_with_their_certifications(
    kobe: f.City, registration: Certification
) -> None:
    page = client_for(kobe.staff).get("/catalog/")
    assert page.status_code == 200
    assert "株式会社クラウド自治" in page.content.decode()


def test_another_city_s_provider_and_certification_are_not_found(
    kobe: f.City, registration: Certification
) -> None:
    osaka = f.city("osaka", overlays=())
    client = client_for(osaka.security_manager)
    assert client.get(f"/catalog/providers/{registration.provider_id}/").status_code == 404
    assert client.get(registration.get_absolute_url()).status_code == 404
    assert "株式会社クラウド自治" not in client.get("/catalog/").content.decode()


def test_a_contractor_may_not_open_the_catalogue(kobe: f.City, registration: Certification) -> None:
    contractor = f.member(kobe.municipality, Role.CONTRACTOR, kobe.department)
    client = client_for(contractor)
    for url in (
        "/catalog/",
        f"/catalog/providers/{registration.provider_id}/",
        registration.get_absolute_url(),
    ):
        assert client.get(url).status_code == 403


def test_the_security_manager_records_a_certification(kobe: f.City) -> None:
    provider = cf.provider(kobe.municipality)
    response = client_for(kobe.security_manager).post(
        f"/catalog/providers/{provider.pk}/certifications/new/",
        {"kind": "ISO27001", "registration_number": "IS 123456", "valid_until": "2099-03-31"},
    )
    certification = Certification.objects.get()
    assert response.status_code == 302 and response["Location"] == certification.get_absolute_url()
    assert (certification.kind, certification.status) == ("ISO27001", CertificationStatus.VALID)


def test_an_ismap_validity_typed_against_the_rule_is_refused_on_its_field(kobe: f.City) -> None:
    provider = cf.provider(kobe.municipality)
    response = client_for(kobe.security_manager).post(
        f"/catalog/providers/{provider.pk}/certifications/new/",
        {"kind": "ISMAP", "audit_period_end": "2023-03-31", "valid_until": "2024-08-01"},
    )
    assert response.status_code == 200
    assert "2024-07-31" in str(response.context["form"].errors["valid_until"])
    assert not Certification.objects.exists()


def test_an_applicant_may_see_but_not_record_certifications(
    kobe: f.City, registration: Certification
) -> None:
    client = client_for(kobe.applicant)
    assert client.get(registration.get_absolute_url()).status_code == 200
    assert client.get(f"/catalog/providers/{registration.provider_id}/certifications/new/").status_code == 403
    assert client.post(f"/catalog/certifications/{registration.pk}/withdraw/", {}).status_code == 403


def test_state_changes_refuse_get(kobe: f.City, registration: Certification) -> None:
    client = client_for(kobe.security_manager)
    for step in ("renewal", "withdraw", "evidence"):
        assert client.get(f"/catalog/certifications/{registration.pk}/{step}/").status_code == 405


def test_a_pending_renewal_is_recorded(kobe: f.City, registration: Certification) -> None:
    response = client_for(kobe.security_manager).post(
        f"/catalog/certifications/{registration.pk}/renewal/",
        {"applied_on": datetime.date.today().isoformat()},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.renewal_applied_on == datetime.date.today()


def test_a_withdrawal_is_recorded_with_its_reason(kobe: f.City, registration: Certification) -> None:
    client_for(kobe.security_manager).post(
        f"/catalog/certifications/{registration.pk}/withdraw/",
        {"withdrawn_on": datetime.date.today().isoformat(), "reason": "登録の取消し"},
    )
    registration.refresh_from_db()
    assert registration.status == CertificationStatus.WITHDRAWN


def test_evidence_is_kept_private_and_served_only_to_those_who_see_the_catalogue(
    kobe: f.City, registration: Certification
) -> None:
    client_for(kobe.security_manager).post(
        f"/catalog/certifications/{registration.pk}/evidence/",
        {"file": SimpleUploadedFile("登録証.pdf", b"%PDF-1.4 ISMAP", content_type="application/pdf")},
    )
    evidence = CertificationEvidence.objects.get()
    assert evidence.file_name == "登録証.pdf" and "登録証" not in evidence.file.name
    url = f"/catalog/certifications/{registration.pk}/evidence/{evidence.pk}/"
    download = client_for(kobe.staff).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 ISMAP"
    osaka = f.city("osaka", overlays=())
    assert client_for(osaka.security_manager).get(url).status_code == 404
    contractor = f.member(kobe.municipality, Role.CONTRACTOR, kobe.department)
    assert client_for(contractor).get(url).status_code == 403


def test_the_ismap_list_is_read_then_imported(kobe: f.City) -> None:
    cf.service(kobe.municipality, "電子申請サービス")
    client = client_for(kobe.security_manager)
    upload = workbook(
        [row("C21-0005-2", "電子申請サービス", "株式会社クラウド自治", audit="2023/4/1～2024/3/31")]
    )
    response = client.post(
        "/catalog/ismap-imports/",
        {"kind": "ISMAP", "file": SimpleUploadedFile("list.xlsx", upload.read())},
    )
    ismap_import = IsmapImport.objects.get()
    assert response["Location"] == ismap_import.get_absolute_url()
    report = client.get(ismap_import.get_absolute_url()).content.decode()
    assert "C21-0005-2" in report and not Certification.objects.exists()
    client.post(f"/catalog/ismap-imports/{ismap_import.pk}/commit/")
    assert IsmapImport.objects.get().status == ImportStatus.COMMITTED
    assert Certification.objects.get().valid_until == datetime.date(2025, 7, 31)


def test_an_unreadable_list_is_shown_with_its_problems(kobe: f.City) -> None:
    response = client_for(kobe.security_manager).post(
        "/catalog/ismap-imports/", {"kind": "ISMAP", "file": SimpleUploadedFile("list.xlsx", b"not excel")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not IsmapImport.objects.exists()


def test_another_city_s_import_is_not_found(kobe: f.City) -> None:
    ismap_import = read_ismap_list_dry_run(
        acting_user=kobe.security_manager,
        municipality=kobe.municipality,
        kind="ISMAP",
        file=workbook([row("C1", "S", "P", audit="2023/4/1～2024/3/31")]),
        file_name="list.xlsx",
    )
    osaka = f.city("osaka", overlays=())
    client = client_for(osaka.security_manager)
    assert client.get(ismap_import.get_absolute_url()).status_code == 404
    assert client.post(f"/catalog/ismap-imports/{ismap_import.pk}/commit/").status_code == 404


def test_a_new_application_from_the_catalogue_reuses_the_certifications_in_force(
    kobe: f.City, registration: Certification
) -> None:
    service = registration.services.get()
    add_certification(
        acting_user=SYSTEM,
        provider=registration.provider,
        kind="ISO27001",
        valid_until=datetime.date(2020, 3, 31),
    )
    page = client_for(kobe.applicant).get(f"/applications/new/?service={service.pk}")
    form = page.context["form"]
    assert form.initial["service_name"] == "電子申請サービス"
    assert form.initial["certifications"] == ["ISMAP"]
