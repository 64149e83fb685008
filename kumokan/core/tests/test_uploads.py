"""Uploaded evidence is judged by its content: a renamed program, page or macro workbook is refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kumokan.core.uploads import MAX_EVIDENCE_BYTES, check_upload, safe_name

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def xlsx(macro: bool = False) -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    if not macro:
        return out.getvalue()
    import zipfile

    with zipfile.ZipFile(out, "a") as package:
        package.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("見積書.pdf", PDF),
        ("画面.png", PNG),
        ("チェックリスト.xlsx", xlsx()),
        ("メモ.txt", "運用手順の確認済み".encode()),
        ("一覧.csv", "サービス名,提供者\n電子申請,某社\n".encode("cp932")),
    ],
)
def test_documents_pictures_and_text_are_accepted(name: str, content: bytes) -> None:
    check_upload(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 100, "content"),  # a program renamed .pdf
        ("scan.png", b"<html><script>alert(1)</script></html>", "content"),
        ("notes.txt", b"MZ\x90\x00\x00\x00\x00", "content"),  # binary named .txt
        ("book.xlsx", xlsx(macro=True), "content"),  # an .xlsm renamed .xlsx
        ("book.xlsx", b"PK\x03\x04" + b"\x00" * 60, "content"),  # not an Office package
        ("page.html", b"<html></html>", "extension"),
        (
            "drawing.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "extension",
        ),
        ("tool.exe", b"MZ\x90\x00", "extension"),
        ("noextension", PDF, "extension"),
    ],
)
def test_other_or_disguised_files_are_refused(name: str, content: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        check_upload(upload(name, content))
    assert refusal.value.code == code


def test_a_file_over_the_limit_is_refused_before_its_content_is_read() -> None:
    big = upload("big.pdf", PDF)
    big.size = MAX_EVIDENCE_BYTES + 1

    with pytest.raises(ValidationError) as refusal:
        check_upload(big)
    assert refusal.value.code == "too_large"


def test_checking_leaves_the_file_readable_from_the_start() -> None:
    file = upload("見積書.pdf", PDF)
    check_upload(file)
    assert file.read() == PDF


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\見積書.pdf", "見積書.pdf"),
        ('a"b;c\r\nd.pdf', "abcd.pdf"),
        ("...", "file"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_safe_names_keep_no_folders_or_header_breaking_characters(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_the_evidence_form_field_refuses_a_disguised_file_and_cleans_the_name() -> None:
    from django import forms

    from kumokan.core.uploads import EvidenceFileField

    class Form(forms.Form):
        evidence = EvidenceFileField()

    refused = Form(files={"evidence": upload("見積書.pdf", b"MZ\x90\x00" + b"\x00" * 60)})
    accepted = Form(files={"evidence": upload('..\\..\\見積"書.pdf', PDF)})

    assert not refused.is_valid()
    assert accepted.is_valid()
    assert accepted.cleaned_data["evidence"].name == "見積書.pdf"


@pytest.mark.django_db
def test_stored_evidence_has_no_public_url(client, settings) -> None:
    from django.core.files.base import ContentFile

    from kumokan.core.private_files import evidence_storage

    storage = evidence_storage()
    name = storage.save("kobe/1/secret.pdf", ContentFile(PDF))
    try:
        assert client.get(storage.url(name)).status_code == 404
        assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
        assert client.get(f"/media/{name}").status_code == 404
    finally:
        storage.delete(name)
