"""A new pack version re-checks only the services whose applicable items changed, listing exactly those."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.core.packs import available, load_pack
from kumokan.errors import WorkflowError
from kumokan.lifecycle.actions.configuration import configure_lifecycle
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tests.factories import OSAKA_APPROVER, City, city, entry, in_operation
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import PackVersion
from kumokan.tenancy.permissions import PERMISSIONS, Capability

pytestmark = pytest.mark.django_db

INSTALLED = load_pack("osaka").version
IAAS_ONLY_ITEM = "build.split.iaas"  # osaka.yaml: when {eq: {service_model: iaas}}


def _installed(pack_id: str) -> str:
    """The shipped pack's text (its version is INSTALLED; a revision raises it to 99.0.0)."""
    return available()[pack_id].read_text(encoding="utf-8")


def _revised_osaka(tmp_path: Path) -> Path:
    """A copy of the real Osaka pack with one IaaS-only item reworded and the version raised."""
    text = _installed("osaka")
    marker = "  - id: build.split.iaas\n"
    head, tail = text.split(marker)
    old_text_line = next(line for line in tail.splitlines() if line.lstrip().startswith("text:"))
    revised = tail.replace(
        old_text_line,
        '    text: "IaaS を利用する場合、OS を含む全てのソフトウェアの脆弱性管理を利用者が行う。"',
        1,
    )
    path = tmp_path / "osaka.yaml"
    path.write_text(
        (head + marker + revised).replace(f'version: "{INSTALLED}"', 'version: "99.0.0"', 1), encoding="utf-8"
    )
    return path


def _osaka() -> City:
    return city("osaka", approver=OSAKA_APPROVER)


def test_only_iaas_services_get_a_recheck_listing_exactly_the_changed_item(tmp_path: Path) -> None:
    c = _osaka()
    saas = in_operation(c, service_name="電子申請サービス", service_model="saas")
    iaas = in_operation(c, service_name="共通基盤サーバ", service_model="iaas")
    paas = entry(c, service_name="アプリ実行基盤", service_model="paas")
    iaas_low = entry(c, service_name="検証用サーバ", service_model="iaas", high=False)
    out = StringIO()
    call_command("adopt_pack_version", "osaka", stdout=out)
    assert f"adopted osaka {INSTALLED}" in out.getvalue() and "adopted special-terms" in out.getvalue()
    assert not Recheck.objects.filter(trigger=RecheckTrigger.PACK_REVISION).exists()

    call_command("adopt_pack_version", "osaka", "--file", str(_revised_osaka(tmp_path)), stdout=out)
    revision = Recheck.objects.filter(trigger=RecheckTrigger.PACK_REVISION)
    assert set(revision.values_list("entry", flat=True)) == {iaas.pk, iaas_low.pk}
    assert not revision.filter(entry__in=[saas, paas]).exists()
    for recheck in revision:
        assert [(i["id"], i["kind"], i["fields"]) for i in recheck.items] == [
            (IAAS_ONLY_ITEM, "changed", ["text"])
        ]
        assert recheck.items[0]["new"]["text"].startswith("IaaS を利用する場合、OS を含む")
        assert recheck.pack_version.version == "99.0.0"
    assert iaas.service_manager.notifications.filter(verb="recheck_ordered").exists()


def test_the_old_rules_stay_available_after_a_revision(tmp_path: Path) -> None:
    c = _osaka()
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed("osaka"))
    revised = _revised_osaka(tmp_path).read_text(encoding="utf-8")
    adopt_pack_version(acting_user=c.administrator, municipality=c.municipality, text=revised)
    versions = PackVersion.objects.filter(municipality=c.municipality, pack_id="osaka").order_by(
        "adopted_at", "id"
    )
    assert [v.version for v in versions] == [INSTALLED, "99.0.0"]
    assert versions[0].text == _installed("osaka")
    event = AuditEvent.objects.filter(action=Action.LIFECYCLE_PACK_ADOPT).latest("id")
    assert event.target_type == "tenancy.packadoption"
    assert event.before["version"] == INSTALLED and event.after["version"] == "99.0.0"
    assert event.actor == c.administrator


def test_the_same_text_is_adopted_once() -> None:
    c = _osaka()
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed("osaka"))
    with pytest.raises(WorkflowError) as refused:
        adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed("osaka"))
    assert refused.value.code == "already_adopted"


def test_an_invalid_pack_is_refused_with_its_problems() -> None:
    c = _osaka()
    broken = _installed("osaka").replace("kind: municipality", "kind: city", 1)
    with pytest.raises(WorkflowError) as refused:
        adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=broken)
    assert refused.value.code == "pack_invalid" and "kind" in refused.value.en


def test_a_pack_the_municipality_does_not_use_is_refused() -> None:
    c = _osaka()
    with pytest.raises(WorkflowError) as refused:
        adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed("kobe"))
    assert refused.value.code == "pack_not_used"


def test_only_an_administrator_adopts_a_pack_version() -> None:
    c = _osaka()
    with pytest.raises(PermissionDenied):
        adopt_pack_version(acting_user=c.chief, municipality=c.municipality, text=_installed("osaka"))


def test_adopting_and_configuring_ask_the_permission_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """tenancy.permissions owns who configures a municipality: the actions follow its table, as the page does."""
    c = _osaka()
    monkeypatch.setitem(PERMISSIONS, Capability.CONFIGURE_LIFECYCLE, frozenset({Role.CHIEF}))
    with pytest.raises(PermissionDenied):
        adopt_pack_version(acting_user=c.administrator, municipality=c.municipality, text=_installed("osaka"))
    with pytest.raises(PermissionDenied):
        configure_lifecycle(
            acting_user=c.administrator,
            municipality=c.municipality,
            default_recheck_interval_months=6,
            reminder_days=14,
            triggered_recheck_days=7,
            incident_procedure="",
        )
    version, _rechecks = adopt_pack_version(
        acting_user=c.chief, municipality=c.municipality, text=_installed("osaka")
    )
    assert version.adopted_by == c.chief
    assert (
        configure_lifecycle(
            acting_user=c.chief,
            municipality=c.municipality,
            default_recheck_interval_months=6,
            reminder_days=14,
            triggered_recheck_days=7,
            incident_procedure="",
        ).default_recheck_interval_months
        == 6
    )


def test_an_administrator_of_another_municipality_adopts_nothing_here() -> None:
    c = _osaka()
    other = city("kobe")
    with pytest.raises(PermissionDenied):
        adopt_pack_version(
            acting_user=other.administrator, municipality=c.municipality, text=_installed("osaka")
        )
