"""Downloading an application's forms: for whoever may see the application, and no one else."""

import io

import pytest
from openpyxl import load_workbook

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_the_forms_page_lists_each_form_with_pdf_and_excel(client):
    c = f.city("amagasaki", overlays=())
    application = f.decided(c, Outcome.APPROVED)
    client.force_login(application.applicant)
    text = client.get(f"/documents/applications/{application.pk}/").content.decode()
    assert "様式1" in text
    assert "セキュリティ要件の確認結果" in text
    assert f"/documents/applications/{application.pk}/1.pdf" in text
    assert f"/documents/applications/{application.pk}/2.xlsx" in text


def test_the_pdf_downloads_with_its_japanese_name(client):
    c = f.city("amagasaki", overlays=())
    application = f.decided(c, Outcome.APPROVED)
    client.force_login(c.approver)
    response = client.get(f"/documents/applications/{application.pk}/1.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename*=utf-8''%E6%A7%98%E5%BC%8F1" in response["Content-Disposition"]


def test_the_xlsx_downloads(client):
    c = f.city("kobe", overlays=())
    application = f.decided(c, Outcome.APPROVED)
    client.force_login(application.applicant)
    response = client.get(f"/documents/applications/{application.pk}/2.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "外部サービス要件（機密性２以上）" in [cell.value for row in sheet.iter_rows() for cell in row]


def test_a_form_number_that_does_not_exist_is_not_found(client):
    c = f.city("amagasaki", overlays=())
    application = f.decided(c, Outcome.APPROVED)
    client.force_login(application.applicant)
    assert client.get(f"/documents/applications/{application.pk}/9.pdf").status_code == 404


def test_another_municipalitys_application_is_not_found(client):
    c = f.city("amagasaki", overlays=())
    application = f.decided(c, Outcome.APPROVED)
    other = f.city("kobe", overlays=())
    client.force_login(other.administrator)
    assert client.get(f"/documents/applications/{application.pk}/").status_code == 404
    assert client.get(f"/documents/applications/{application.pk}/1.pdf").status_code == 404


def test_another_departments_applicant_cannot_print_the_forms(client):
    c = f.city("amagasaki", overlays=())
    application = f.decided(c, Outcome.APPROVED)
    stranger = f.member(c.municipality, Role.APPLICANT, c.other_department)
    client.force_login(stranger)
    assert client.get(f"/documents/applications/{application.pk}/1.pdf").status_code == 404


def test_forms_need_a_login(client):
    c = f.city("amagasaki", overlays=())
    application = f.draft(c)
    response = client.get(f"/documents/applications/{application.pk}/1.pdf")
    assert response.status_code == 302
