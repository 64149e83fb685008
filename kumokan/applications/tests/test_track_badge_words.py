"""A track's badge says the pack's short words and its title the long label (issue 17 point 1): Osaka's
long label carries the pack's note and crushed the judgment panel; English pages say the product's English
label, as the ledger does (tenancy.vocabulary), never the pack's Japanese."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from kumokan.applications.tests import factories as f
from kumokan.documents.printed import printed_forms

pytestmark = pytest.mark.django_db

OSAKA_LONG = "機密性2以上（重要情報資産を取り扱う場合。本ガイドラインは区分を設けず、総務省ガイドラインの自治体機密性2以上に倣う）"


def text(client: Client, path: str, language: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


def test_osakas_judgment_badge_is_short_with_the_long_label_as_its_title(client: Client) -> None:
    c = f.city("osaka", approver=("デジタル統括室長", "approver"))
    application = f.submitted(c)
    client.force_login(c.approver)
    for path in (application.get_absolute_url(), f"/approvals/{application.pk}/"):
        page = text(client, path, "ja")
        assert f'title="{OSAKA_LONG}">重要情報資産を取り扱う場合</span>' in page, path
        assert f">{OSAKA_LONG}</span>" not in page


@pytest.mark.parametrize(
    ("slug", "short"),
    [
        ("kobe", "機密性２以上"),
        ("amagasaki", "機密性２以上の情報を取り扱う場合"),
        ("kitakyushu", "重要情報資産を取り扱う場合"),
    ],
)
def test_every_citys_judgment_badge_says_its_short_words(client: Client, slug: str, short: str) -> None:
    c = f.city(slug)
    application = f.submitted(c)
    client.force_login(application.applicant)
    assert f"{short}</span>" in text(client, application.get_absolute_url(), "ja")


def test_english_pages_say_the_english_track_label(client: Client) -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    client.force_login(application.applicant)
    page = text(client, application.get_absolute_url(), "en")
    assert 'title="Handles important information">Handles important information</span>' in page
    assert ">機密性２以上</span>" not in page
    rules = text(client, "/rules/kobe/", "en")
    assert "Handles important information" in rules


@pytest.mark.parametrize(
    ("language", "track"), [("ja", "重要情報資産を取り扱う場合"), ("en", "Handles important information")]
)
def test_the_printed_application_gives_the_track_shortly_in_the_readers_language(language, track) -> None:
    c = f.city("osaka", approver=("デジタル統括室長", "approver"))
    application = f.submitted(c)
    with translation.override(language):
        rows = {row.label: row.value for form in printed_forms(application) for row in form.fields}
        assert rows[str(_("Track"))] == track
