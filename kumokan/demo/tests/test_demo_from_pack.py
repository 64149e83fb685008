"""`manage.py demo CITY` for a pack that is not one of the seed cities: the demo is read from the pack."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from kumokan.applications.choices import Status
from kumokan.applications.models import Application, Decision
from kumokan.demo.from_pack import city_for, demo_cities
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.policy.loader import PACK_DIR
from kumokan.tenancy.access import has_role
from kumokan.tenancy.models import Municipality

EXAMPLES = sorted(p.stem for p in PACK_DIR.glob("example-*.yaml"))


def run(city: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KUMOKAN_DEMO_PASSWORD", "demo-pass-123")
    out = StringIO()
    call_command("demo", city, stdout=out)
    return out.getvalue()


def test_every_installed_municipality_pack_has_a_demo() -> None:
    assert {"kobe", "osaka", *EXAMPLES} <= set(demo_cities())
    assert "special-terms" not in demo_cities()  # an overlay is no city


@pytest.mark.django_db
@pytest.mark.parametrize("city", EXAMPLES)
def test_an_example_citys_demo_is_built_from_its_pack(city: str, monkeypatch: pytest.MonkeyPatch) -> None:
    output = run(city, monkeypatch)
    municipality = Municipality.objects.get(slug=city)
    pack = municipality.pack().pack
    assert municipality.name == pack.issuer and municipality.pack_ids() == [city]
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(LedgerEntry.objects.values_list("status", flat=True)) == set(EntryStatus.values)
    # Both tracks of the pack are shown, each decided by the role its pack names.
    assert set(Decision.objects.values_list("snapshot__track", flat=True)) == {"high", "low"}
    assert pack.tracks is not None and pack.tracks.high.approver is not None
    approver = get_user_model().objects.get(username="approver")
    assert has_role(approver, municipality, pack.tracks.high.approver.role.value)
    high = Decision.objects.filter(snapshot__track="high", outcome="approved")
    assert set(high.values_list("decided_by__username", flat=True)) == {"approver"}
    # The pack's own titles name the logins.
    assert pack.tracks.high.approver.title in output


@pytest.mark.django_db
def test_a_new_pack_on_the_pack_path_gets_a_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    text = (PACK_DIR / f"{EXAMPLES[0]}.yaml").read_text(encoding="utf-8")
    (tmp_path / "newtown.yaml").write_text(text.replace(f"id: {EXAMPLES[0]}", "id: newtown"), "utf-8")
    settings.KUMOKAN_PACK_PATH = [str(tmp_path)]
    assert city_for("newtown").high_code == "2"
    run("newtown", monkeypatch)
    assert Municipality.objects.get(slug="newtown").pack_ids() == ["newtown"]


def test_an_unknown_city_or_an_overlay_is_refused_with_the_known_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(CommandError, match=r"no municipality pack 'nowhere'.*kobe"):
        run("nowhere", monkeypatch)
    with pytest.raises(CommandError, match="special-terms"):
        run("special-terms", monkeypatch)
