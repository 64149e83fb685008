"""The auditor's export of the trail (CSV and JSON), refused to other roles and other municipalities."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import create_municipality, grant_membership
from kumokan.tenancy.models import Municipality


@pytest.fixture
def cities(db: Any) -> tuple[Municipality, Municipality]:
    kobe = create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")
    osaka = create_municipality(acting_user=SYSTEM, slug="osaka", name="大阪市", pack_id="osaka")
    return kobe, osaka


def member(username: str, city: Municipality, role: str) -> Any:
    user = get_user_model().objects.create_user(username, last_name='=HYPERLINK("x")')
    grant_membership(acting_user=SYSTEM, user=user, municipality=city, role=role)
    return user


def body(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_auditor_downloads_csv_with_the_chain_hashes(client: Client, cities) -> None:
    kobe, _ = cities
    auditor = member("kansa", kobe, "auditor")
    with transaction.atomic():
        record(member("=cmd", kobe, "staff"), Action.LEDGER_EDIT, kobe, None, {"note": "@SUM(A1)"})
    client.force_login(auditor)

    response = client.get("/audit/export/", {"format": "csv", "municipality": "kobe"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-kobe-')
    rows = list(csv.DictReader(io.StringIO(body(response))))
    events = AuditEvent.objects.filter(municipality=kobe).exclude(action=Action.AUDIT_EXPORT).order_by("id")
    assert [row["hash"] for row in rows] == [event.hash for event in events]
    assert {row["municipality"] for row in rows} == {"kobe"}
    # A name that looks like a formula stays text when a spreadsheet opens the file.
    assert '\'=HYPERLINK("x")' in {row["actor_name"] for row in rows}
    assert not any(value.startswith(("=", "@", "+")) for row in rows for value in row.values())


def test_the_export_is_itself_recorded(client: Client, cities) -> None:
    kobe, _ = cities
    auditor = member("kansa", kobe, "auditor")
    client.force_login(auditor)

    body(client.get("/audit/export/", {"format": "json", "municipality": "kobe"}))

    event = AuditEvent.objects.get(action=Action.AUDIT_EXPORT)
    assert (event.actor, event.municipality, event.after["format"]) == (auditor, kobe, "json")


def test_json_export_holds_only_that_municipalitys_records(client: Client, cities) -> None:
    kobe, _ = cities
    client.force_login(member("kansa", kobe, "auditor"))

    rows = json.loads(body(client.get("/audit/export/", {"format": "json", "municipality": "kobe"})))

    assert rows and {row["municipality"] for row in rows} == {"kobe"}


def test_another_municipalitys_trail_is_404(client: Client, cities) -> None:
    kobe, _ = cities
    client.force_login(member("kansa", kobe, "auditor"))

    assert client.get("/audit/export/", {"format": "csv", "municipality": "osaka"}).status_code == 404


@pytest.mark.parametrize("role", ["applicant", "approver", "chief", "administrator", "service_manager"])
def test_other_roles_are_refused(client: Client, cities, role: str) -> None:
    kobe, _ = cities
    client.force_login(member("someone", kobe, role))

    assert client.get("/audit/export/", {"format": "csv", "municipality": "kobe"}).status_code == 403


def test_the_command_writes_csv_and_json(cities, tmp_path) -> None:
    call_command(
        "audit_export", "--format", "json", "--municipality", "osaka", "--output", str(tmp_path / "a.json")
    )
    out = io.StringIO()
    call_command("audit_export", stdout=out)

    rows = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [row["municipality"] for row in rows] == ["osaka"]
    assert rows[0]["hash"] == AuditEvent.objects.get(municipality__slug="osaka").hash
    assert (
        len(list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))) == AuditEvent.objects.count()
    )


@pytest.mark.parametrize("role", ["auditor", "security_manager", "administrator", "staff"])
def test_the_navigation_links_the_export_for_whoever_it_opens_for(client: Client, cities, role: str) -> None:
    kobe, _ = cities
    client.force_login(member(f"nav-{role}", kobe, role))
    home = client.get("/").content.decode()
    linked = 'href="/audit/export/"' in home
    assert linked is (client.get("/audit/export/").status_code == 200)
    assert linked is (role == "auditor")
    if linked:
        assert ">監査記録</a>" in home
