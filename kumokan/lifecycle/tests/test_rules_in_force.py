"""Judgments follow the pack text the municipality adopted, not the installed file; going back is an adoption."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kumokan.applications.judging import judge_facts
from kumokan.applications.tests.factories import draft, facts
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.core.packs import available, load_pack
from kumokan.errors import WorkflowError
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.lifecycle.tests.factories import OSAKA_APPROVER, City, city, in_operation
from kumokan.tenancy.models import Municipality, PackAdoption, PackVersion

pytestmark = pytest.mark.django_db

INSTALLED = load_pack("osaka").version
ITEM = "build.split.iaas"  # osaka.yaml: an IaaS-only item the revision rewords
REWORDED = "IaaS を利用する場合、OS を含む全てのソフトウェアの脆弱性管理を利用者が行う。"


def _installed() -> str:
    return available()["osaka"].read_text(encoding="utf-8")


def _revised(version: str = "99.0.0", text: str = REWORDED) -> str:
    """The shipped Osaka pack with the IaaS-only item reworded and the version raised."""
    installed = _installed()
    marker = f"  - id: {ITEM}\n"
    head, tail = installed.split(marker)
    old_line = next(line for line in tail.splitlines() if line.lstrip().startswith("text:"))
    tail = tail.replace(old_line, f'    text: "{text}"', 1)
    return (head + marker + tail).replace(f'version: "{INSTALLED}"', f'version: "{version}"', 1)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _osaka() -> City:
    return city("osaka", approver=OSAKA_APPROVER)


def _iaas(c: City) -> dict[str, str]:
    """The judgment's own pack (id, version, digest) and the text of the IaaS item, for fresh facts."""
    judged = judge_facts(Municipality.objects.get(pk=c.municipality.pk), facts("osaka", service_model="iaas"))
    item = next(i for phase in judged.judgment["checklists"].values() for i in phase if i["id"] == ITEM)
    return {**judged.packs[0], "text": item["text"]}


def test_a_new_judgment_follows_the_adopted_revision_and_an_old_one_keeps_its_version() -> None:
    c = _osaka()
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed())
    before = draft(c, service_model="iaas")
    assert before.judgment is not None
    assert before.judgment.packs[0]["version"] == INSTALLED

    adopt_pack_version(acting_user=c.administrator, municipality=c.municipality, text=_revised())

    after = draft(c, service_model="iaas")
    assert after.judgment is not None
    assert after.judgment.packs[0] == {"id": "osaka", "version": "99.0.0", "digest": _digest(_revised())}
    assert after.judgment.item("osaka", ITEM)["text"] == REWORDED  # type: ignore[index]
    before.judgment.refresh_from_db()
    assert before.judgment.packs[0]["version"] == INSTALLED
    assert before.judgment.item("osaka", ITEM)["text"] != REWORDED  # type: ignore[index]


def test_the_installed_file_does_not_change_the_rules_of_a_municipality_that_adopted_a_text(
    tmp_path: Path, settings: Any
) -> None:
    c = _osaka()
    adopted = _installed()
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=adopted)
    # An upgrade ships another osaka.yaml (the pack path is searched before the shipped packs).
    (tmp_path / "osaka.yaml").write_text(_revised("100.0.0", "差し替えられた文言"), encoding="utf-8")
    settings.KUMOKAN_PACK_PATH = [str(tmp_path)]
    assert load_pack("osaka").version == "100.0.0"

    judged = _iaas(c)
    assert (judged["version"], judged["digest"]) == (INSTALLED, _digest(adopted))
    assert judged["text"] != "差し替えられた文言"


def test_without_an_adopted_text_the_installed_pack_is_in_force() -> None:
    c = _osaka()
    judged = _iaas(c)
    assert (judged["version"], judged["digest"]) == (INSTALLED, load_pack("osaka").digest)


def test_the_kumokan_command_judges_with_the_installed_pack_as_before() -> None:
    """CONTRACT.md: `kumokan judge --pack ID` names installed packs; the web's adoption does not change it."""
    c = _osaka()
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed())
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_revised())
    done = subprocess.run(
        [str(Path(sys.executable).with_name("kumokan")), "judge", "--pack", "osaka", "-"],
        input=json.dumps(facts("osaka", service_model="iaas")),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    judgment = json.loads(done.stdout)
    assert judgment["packs"] == [{"id": "osaka", "version": INSTALLED, "digest": load_pack("osaka").digest}]
    assert REWORDED not in done.stdout


def test_going_back_to_an_earlier_text_is_one_more_adoption_and_judgments_follow_it() -> None:
    c = _osaka()
    first, _ = adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed())
    second, _ = adopt_pack_version(acting_user=c.administrator, municipality=c.municipality, text=_revised())
    assert _iaas(c)["version"] == "99.0.0"

    back, _ = adopt_pack_version(acting_user=c.administrator, municipality=c.municipality, text=_installed())

    assert back == first  # the text is kept once; the adoption is logged again
    assert PackVersion.objects.filter(municipality=c.municipality, pack_id="osaka").count() == 2
    log = PackAdoption.objects.filter(municipality=c.municipality, pack_id="osaka").order_by("id")
    assert [(a.version_id, a.previous_id) for a in log] == [
        (first.pk, None),
        (second.pk, first.pk),
        (first.pk, second.pk),
    ]
    assert _iaas(c)["version"] == INSTALLED
    event = AuditEvent.objects.filter(action=Action.LIFECYCLE_PACK_ADOPT).order_by("-id").first()
    assert event is not None and event.actor == c.administrator
    assert event.target_id == str(log.last().pk)  # type: ignore[union-attr]
    assert event.before == {"version": "99.0.0", "digest": second.digest}
    assert event.after["version"] == INSTALLED and event.after["adopted_before"] is True


def test_the_text_in_force_is_not_adopted_again() -> None:
    c = _osaka()
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed())
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_revised())
    with pytest.raises(WorkflowError) as refused:
        adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_revised())
    assert refused.value.code == "already_adopted"
    assert PackAdoption.objects.filter(municipality=c.municipality).count() == 2


def test_the_rulebook_shows_the_text_in_force() -> None:
    c = _osaka()
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed())
    client = Client()
    client.force_login(c.applicant)
    assert REWORDED not in client.get("/rules/osaka/").content.decode()

    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_revised())

    assert REWORDED in client.get("/rules/osaka/").content.decode()


def test_a_first_adoption_is_compared_with_the_installed_file_that_was_in_force() -> None:
    """Judgments used the installed file until the first adoption, so a revised first text re-checks."""
    c = _osaka()
    iaas = in_operation(c, service_name="共通基盤サーバ", service_model="iaas")
    in_operation(c, service_name="電子申請サービス", service_model="saas")

    version, rechecks = adopt_pack_version(
        acting_user=c.administrator, municipality=c.municipality, text=_revised()
    )

    assert [(r.entry, [i["id"] for i in r.items]) for r in rechecks] == [(iaas, [ITEM])]
    assert all(r.pack_version == version for r in rechecks)
    adoption = PackAdoption.objects.get(municipality=c.municipality)
    assert adoption.previous is None
    event = AuditEvent.objects.get(action=Action.LIFECYCLE_PACK_ADOPT)
    assert event.before == {"version": INSTALLED, "digest": None}
