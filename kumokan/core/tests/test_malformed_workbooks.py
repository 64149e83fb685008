"""A damaged or hostile workbook on an import is refused with a clear message, never an error page.

Both imports of a spreadsheet (the ledger's and the ISMAP list's) open it with
kumokan.core.spreadsheet.read_workbook; the pen test's files are built here: a DOCTYPE with
entities in a sheet, and a sheet or the workbook part cut short (not well-formed XML).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.catalog.models import IsmapImport
from kumokan.catalog.tests.ismap_sample import row as ismap_row
from kumokan.catalog.tests.ismap_sample import workbook as ismap_workbook
from kumokan.documents.choices import ImportStatus
from kumokan.documents.models import LedgerImport
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import row, xlsx_file

pytestmark = pytest.mark.django_db

ENTITIES = (
    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


def patched(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook `data` with one of its parts changed."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            content = source.read(member.filename)
            target.writestr(member, change(content) if member.filename == part else content)
    return out.getvalue()


def with_entities(data: bytes) -> bytes:
    def change(xml: bytes) -> bytes:
        declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        return xml[:declaration_end] + ENTITIES + xml[declaration_end:].replace(b"<v>", b"<v>&c;", 1)

    return patched(data, "xl/worksheets/sheet1.xml", change)


def cut_sheet(data: bytes) -> bytes:
    return patched(data, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])


def cut_workbook_part(data: bytes) -> bytes:
    return patched(data, "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])


MALFORMED = {
    "doctype": (with_entities, "文書型定義（DOCTYPE）"),
    "cut_sheet": (cut_sheet, "Excel ファイル（.xlsx）として読めません"),
    "cut_workbook": (cut_workbook_part, "Excel ファイル（.xlsx）として読めません"),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_the_ledger_import_refuses_a_malformed_workbook(kind: str) -> None:
    damage, message = MALFORMED[kind]
    municipality, admin = empty_city()
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    upload = SimpleUploadedFile("台帳.xlsx", damage(xlsx_file(row())))

    response = client.post(
        "/documents/ledger/imports/",
        {"municipality": municipality.slug, "file": upload, "encoding": "auto"},
        follow=True,
    )

    # As any unreadable file: the check is kept, refused, with the reason on its page.
    assert response.status_code == 200
    assert message in response.content.decode()
    assert LedgerImport.objects.get().status == ImportStatus.REFUSED


@pytest.mark.parametrize("kind", MALFORMED)
def test_the_ismap_import_refuses_a_malformed_workbook(kind: str) -> None:
    damage, message = MALFORMED[kind]
    city = f.city("kobe")
    client = Client(raise_request_exception=False)
    client.force_login(city.security_manager)
    data = ismap_workbook(
        [ismap_row("C21-0005-2", "電子申請サービス", "株式会社クラウド自治", audit="2023/4/1～2024/3/31")]
    ).read()

    response = client.post(
        "/catalog/ismap-imports/", {"kind": "ISMAP", "file": SimpleUploadedFile("list.xlsx", damage(data))}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IsmapImport.objects.exists()
