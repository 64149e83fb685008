"""The rules page (issue 19 point 5): upload a revision, see its problems by line, its changes in words and
the services it affects, then adopt it, which opens exactly those re-checks, audited."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.forms import PackAdoptForm
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tests.factories import OSAKA_APPROVER, city, in_operation
from kumokan.lifecycle.tests.test_pack_revision import IAAS_ONLY_ITEM, _installed
from kumokan.policy import text_digest
from kumokan.tenancy.models import PackAdoption, PackVersion

pytestmark = pytest.mark.django_db
REVISED = "99.0.0"  # above any installed version


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _revised() -> str:
    text = _installed("osaka")
    marker = "  - id: build.split.iaas\n"
    head, tail = text.split(marker)
    line = next(x for x in tail.splitlines() if x.lstrip().startswith("text:"))
    tail = tail.replace(
        line, '    text: "IaaS では OS を含む全てのソフトウェアの脆弱性管理を利用者が行う。"', 1
    )
    return re.sub(r'^version: ".*"$', f'version: "{REVISED}"', head + marker + tail, count=1, flags=re.M)


def _upload(client: Client, text: str, slug: str = "osaka"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("osaka.yaml", text.encode("utf-8"), content_type="application/x-yaml")
    return client.post(f"/lifecycle/packs/?m={slug}", {"file": upload})


@pytest.fixture
def osaka():  # type: ignore[no-untyped-def]
    c = city("osaka", approver=OSAKA_APPROVER)
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed("osaka"))
    return c


def test_a_revision_is_previewed_in_words_with_the_services_it_affects_and_adopts_nothing(osaka) -> None:  # type: ignore[no-untyped-def]
    iaas = in_operation(osaka, service_name="共通基盤サーバ", service_model="iaas")
    in_operation(osaka, service_name="電子申請サービス", service_model="saas")
    page = _upload(_client(osaka.administrator), _revised())
    assert page.status_code == 200
    text = page.content.decode()
    assert IAAS_ONLY_ITEM in text and "OS を含む全てのソフトウェア" in text
    assert str(iaas) in text and "電子申請サービス" not in text.split("affected")[-1]
    assert PackVersion.objects.filter(municipality=osaka.municipality).count() == 1
    assert not Recheck.objects.filter(trigger=RecheckTrigger.PACK_REVISION).exists()


def test_adoption_from_the_page_opens_exactly_the_previewed_rechecks_and_is_audited(osaka) -> None:  # type: ignore[no-untyped-def]
    iaas = in_operation(osaka, service_name="共通基盤サーバ", service_model="iaas")
    saas = in_operation(osaka, service_name="電子申請サービス", service_model="saas")
    client = _client(osaka.administrator)
    preview = _upload(client, _revised())
    adopt = preview.context["adopt_form"].initial
    response = client.post("/lifecycle/packs/adopt/?m=osaka", adopt)
    assert response.status_code == 302
    version = PackVersion.objects.get(municipality=osaka.municipality, version=REVISED)
    assert version.adopted_by == osaka.administrator
    opened = Recheck.objects.filter(trigger=RecheckTrigger.PACK_REVISION)
    assert list(opened.values_list("entry", flat=True)) == [iaas.pk]
    assert not opened.filter(entry=saas).exists()
    adoption = PackAdoption.objects.get(municipality=osaka.municipality, version=version)
    event = AuditEvent.objects.get(action=Action.LIFECYCLE_PACK_ADOPT, target_id=str(adoption.pk))
    assert event.actor == osaka.administrator
    # Every version is kept and viewable.
    listing = client.get("/lifecycle/packs/?m=osaka").content.decode()
    assert listing.count("/lifecycle/packs/") >= 2 and REVISED in listing
    shown = client.get(f"/lifecycle/packs/{version.pk}/").content.decode()
    assert "OS を含む全てのソフトウェア" in shown


def test_an_invalid_revision_lists_its_problems_by_line_and_offers_no_adoption(osaka) -> None:  # type: ignore[no-untyped-def]
    broken = _revised().replace("kind: municipality", "kind: city", 1)
    page = _upload(_client(osaka.administrator), broken)
    text = page.content.decode()
    line = next(n for n, x in enumerate(broken.splitlines(), 1) if x.startswith("kind:"))
    assert f"pack:{line}: kind" in text
    assert "/lifecycle/packs/adopt/" not in text
    assert PackVersion.objects.filter(municipality=osaka.municipality).count() == 1


def test_a_pack_the_municipality_does_not_use_is_refused(osaka) -> None:  # type: ignore[no-untyped-def]
    page = _upload(_client(osaka.administrator), _installed("kobe"))
    assert "does not use the pack" in page.content.decode()


def test_a_text_changed_after_its_preview_is_not_adopted(osaka) -> None:  # type: ignore[no-untyped-def]
    client = _client(osaka.administrator)
    adopt = dict(_upload(client, _revised()).context["adopt_form"].initial)
    changed = _revised().replace(f'version: "{REVISED}"', 'version: "99.1.0"')
    adopt["text"] = PackAdoptForm.initial_for(changed, adopt["digest"])["text"]
    client.post("/lifecycle/packs/adopt/?m=osaka", adopt)
    assert not PackVersion.objects.filter(version__in=[REVISED, "99.1.0"]).exists()


def test_a_text_over_the_upload_limit_is_not_adopted_by_posting_it_straight(osaka) -> None:  # type: ignore[no-untyped-def]
    """The 1 MB limit of the upload holds for the adoption, whose text the browser sends back."""
    padded = _revised() + "# " + "x" * 1_000_000 + "\n"
    client = _client(osaka.administrator)
    page = client.post(
        "/lifecycle/packs/adopt/?m=osaka",
        PackAdoptForm.initial_for(padded, text_digest(padded)),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert not PackVersion.objects.filter(version=REVISED).exists()
    assert "The revision to adopt was not sent" in page.content.decode()


def test_only_an_administrator_reaches_the_rules_page_and_adoption_is_post_only(osaka) -> None:  # type: ignore[no-untyped-def]
    assert _client(osaka.chief).get("/lifecycle/packs/").status_code == 403
    assert _client(osaka.chief).post("/lifecycle/packs/adopt/", {}).status_code == 403
    assert _client(osaka.administrator).get("/lifecycle/packs/adopt/").status_code == 405
    version = PackVersion.objects.get(municipality=osaka.municipality)
    other = city("kobe")
    assert _client(other.administrator).get(f"/lifecycle/packs/{version.pk}/").status_code == 404


def test_every_preview_is_audited_with_what_it_showed(osaka) -> None:  # type: ignore[no-untyped-def]
    iaas = in_operation(osaka, service_name="共通基盤サーバ", service_model="iaas")
    client = _client(osaka.administrator)
    _upload(client, _revised())
    broken = _revised().replace("kind: municipality", "kind: city", 1)
    _upload(client, broken)

    checked, refused = AuditEvent.objects.filter(action=Action.LIFECYCLE_PACK_PREVIEW).order_by("id")
    assert checked.actor == osaka.administrator and checked.municipality == osaka.municipality
    assert checked.after["digest"] == text_digest(_revised()) and checked.after["version"] == REVISED
    assert checked.after["changes"]["changed"] == [IAAS_ONLY_ITEM]
    assert checked.after["affected"] == [iaas.pk] and checked.after["problems"] == []
    assert refused.after["digest"] == text_digest(broken) and refused.after["pack_id"] is None
    assert any(p.startswith("pack:") and ": kind" in p for p in refused.after["problems"])


def test_going_back_is_previewed_then_confirmed_and_judgments_follow(osaka) -> None:  # type: ignore[no-untyped-def]
    iaas = in_operation(osaka, service_name="共通基盤サーバ", service_model="iaas")
    client = _client(osaka.administrator)
    client.post("/lifecycle/packs/adopt/?m=osaka", _upload(client, _revised()).context["adopt_form"].initial)
    installed = PackVersion.objects.get(
        municipality=osaka.municipality, digest=text_digest(_installed("osaka"))
    )
    listing = client.get("/lifecycle/packs/?m=osaka").content.decode()
    assert f"/lifecycle/packs/{installed.pk}/return/" in listing

    page = client.post(f"/lifecycle/packs/{installed.pk}/return/")

    assert page.status_code == 200
    assert page.context["preview"].adopted_before == installed
    assert [e for e, _ in page.context["affected"]] == [iaas]
    # Nothing changes before the confirmation.
    assert osaka.municipality.adopted_version("osaka").version == REVISED
    assert AuditEvent.objects.filter(action=Action.LIFECYCLE_PACK_PREVIEW).count() == 2

    response = client.post("/lifecycle/packs/adopt/?m=osaka", page.context["adopt_form"].initial)

    assert response.status_code == 302
    municipality = type(osaka.municipality).objects.get(pk=osaka.municipality.pk)
    assert municipality.adopted_version("osaka") == installed
    assert municipality.pack().digest == installed.digest
    assert PackVersion.objects.filter(municipality=osaka.municipality).count() == 2
    assert Recheck.objects.filter(
        trigger=RecheckTrigger.PACK_REVISION, entry=iaas, pack_version=installed
    ).exists()
    listing = client.get("/lifecycle/packs/?m=osaka").content.decode()
    assert f"{REVISED} → " in listing


def test_going_back_is_post_only_and_stays_in_the_municipality(osaka) -> None:  # type: ignore[no-untyped-def]
    version = PackVersion.objects.get(municipality=osaka.municipality)
    assert _client(osaka.administrator).get(f"/lifecycle/packs/{version.pk}/return/").status_code == 405
    assert _client(osaka.chief).post(f"/lifecycle/packs/{version.pk}/return/").status_code == 403
    other = city("kobe")
    assert _client(other.administrator).post(f"/lifecycle/packs/{version.pk}/return/").status_code == 404
    # The version in force is shown, not offered for adoption.
    page = _client(osaka.administrator).post(f"/lifecycle/packs/{version.pk}/return/")
    assert page.context["preview"].in_force and "/lifecycle/packs/adopt/" not in page.content.decode()
