"""Shared set-up for the ledger export and import tests: a city with a ledger, and an empty one."""

from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import load_workbook

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries as lifecycle_entries
from kumokan.lifecycle.tests import factories as lf
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality

# The four demo cities' packs; Osaka's rules name no approver, so the city configures one.
CITIES = ("kitakyushu", "kobe", "amagasaki", "osaka")
APPROVERS = {"osaka": ("ICT戦略室長", "approver")}


def city_with_ledger(slug: str = "kobe") -> tuple[f.City, list[LedgerEntry]]:
    """A city (Kobe by default) with four entries: high and low track, approved, in operation,
    suspended, with and without a period."""
    c = f.city(slug, overlays=(), approver=APPROVERS.get(slug))
    # Where the approver names the manager, the department's head (lifecycle factories).
    names_manager = slug in ("kitakyushu", "osaka")
    other_applicant = (
        c.other_head  # Kitakyushu's 所属長 applies (001 5.2(1)①)
        if slug == "kitakyushu"
        else f.member(c.municipality, Role.APPLICANT, c.other_department, last_name="保育", first_name="一郎")
    )
    entries = [
        lf.entry(c, service_name="電子申請サービス", purpose="市民からの各種申請の受付（窓口・オンライン）"),
        lf.entry(
            c,
            service_name="ファイル共有",
            provider="ＡＢＣストレージ株式会社",
            department=c.other_department,
            applicant=other_applicant,
            **({"manager": c.other_head} if names_manager else {}),
        ),
        lf.entry(c, service_name="Web会議", service_model="web_conference", functions=["録画"]),
    ]
    low_facts: dict[str, Any] = {"high": False, "service_name": "庁内チャット", "service_model": "saas"}
    if slug == "kobe":
        low = f.submitted(c, **low_facts)  # Kobe's low track approves itself (003 5.2.2②)
    else:
        # Kitakyushu's 所属長 decides the low track and is its manager (001 5.2(2)②); Amagasaki's and
        # Osaka's approver decides it as the high one.
        approver = c.head if slug == "kitakyushu" else c.approver
        applicant = c.staff if slug == "kitakyushu" else c.applicant
        manager = {"manager": c.head} if names_manager else {}
        low = f.decided(c, Outcome.APPROVED, approver=approver, applicant=applicant, **manager, **low_facts)
    entries.append(LedgerEntry.objects.get(application=low))
    first = entries[0]
    LedgerEntry.objects.filter(pk=first.pk).update(
        period_start=datetime.date(2025, 4, 1), period_end=datetime.date(2028, 3, 31)
    )
    for running in (entries[0], entries[2]):
        lf.confirm_required(running)
        lifecycle_entries.start_operation(acting_user=c.administrator, entry=running)
    lifecycle_entries.suspend(acting_user=c.administrator, entry=entries[2], reason="是正措置中")
    return c, [LedgerEntry.objects.get(pk=e.pk) for e in entries]


def empty_city(slug: str = "kobe-copy", pack_id: str = "kobe") -> tuple[Municipality, Any]:
    """A municipality with the same departments as f.city and no ledger; returns it and its administrator."""
    approver = APPROVERS.get(pack_id)
    municipality = Municipality.objects.create(
        slug=slug,
        name=f"{slug}市",
        pack_id=pack_id,
        configured_approver_title=approver[0] if approver else None,
        configured_approver_role=approver[1] if approver else None,
    )
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
