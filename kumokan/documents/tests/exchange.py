"""Shared set-up for the ledger export and import tests: a city with a ledger, and an empty one."""

from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import load_workbook

from kumokan.applications.tests import factories as f
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle import entries as lifecycle_entries
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality


def city_with_ledger() -> tuple[f.City, list[LedgerEntry]]:
    """Kobe with four entries: high and low track, approved, in operation, suspended, with and without a period."""
    c = f.city("kobe", overlays=())
    entries = [
        f.entry(c, service_name="電子申請サービス", purpose="市民からの各種申請の受付（窓口・オンライン）"),
        f.entry(
            c,
            service_name="ファイル共有",
            provider="ＡＢＣストレージ株式会社",
            department=c.other_department,
            applicant=f.member(
                c.municipality, Role.APPLICANT, c.other_department, last_name="保育", first_name="一郎"
            ),
        ),
        f.entry(c, service_name="Web会議", service_model="web_conference", functions=["録画"]),
    ]
    low = f.submitted(c, high=False, service_name="庁内チャット", service_model="saas")
    entries.append(LedgerEntry.objects.get(application=low))
    first = entries[0]
    LedgerEntry.objects.filter(pk=first.pk).update(
        period_start=datetime.date(2025, 4, 1), period_end=datetime.date(2028, 3, 31)
    )
    lifecycle_entries.start_operation(acting_user=c.administrator, entry=entries[0])
    lifecycle_entries.start_operation(acting_user=c.administrator, entry=entries[2])
    lifecycle_entries.suspend(acting_user=c.administrator, entry=entries[2], reason="是正措置中")
    return c, [LedgerEntry.objects.get(pk=e.pk) for e in entries]


def empty_city(slug: str = "kobe-copy", pack_id: str = "kobe") -> tuple[Municipality, Any]:
    """A municipality with the same departments as f.city and no ledger; returns it and its administrator."""
    municipality = Municipality.objects.create(slug=slug, name=f"{slug}市", pack_id=pack_id)
    Department.objects.create(municipality=municipality, name="市民局 住民課", code="jumin")
    Department.objects.create(municipality=municipality, name="こども家庭局 保育課", code="hoiku")
    administrator = f.user(f"{slug}-admin", last_name="管理", first_name="太郎")
    Membership.objects.create(user=administrator, municipality=municipality, role=Role.ADMINISTRATOR)
    return municipality, administrator


def download(client: Any, user: Any, municipality: Municipality, fmt: str) -> Any:
    client.force_login(user)
    return client.get("/documents/ledger/export/", {"municipality": municipality.slug, "format": fmt})


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def xlsx_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]
