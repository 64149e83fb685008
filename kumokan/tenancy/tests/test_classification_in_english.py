"""A classification reads in English on English pages where the pack gives its English (Level.label_en,
issue 17 point 3); Japanese pages, the stored label and the judgment keep the pack's own words."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from kumokan.applications.tests import factories as f
from kumokan.core.packs import load_pack
from kumokan.tenancy.vocabulary import classification_labels

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_city_pack_gives_each_level_its_english() -> None:
    for pack_id in ("amagasaki", "kitakyushu", "kobe", "osaka"):
        classification = load_pack(pack_id).pack.classification
        assert classification is not None
        for scale in (classification.confidentiality, classification.availability):
            assert all(level.label_en for level in scale.levels), pack_id


def test_the_scale_reads_in_the_readers_language() -> None:
    city = f.city("kitakyushu")
    with translation.override("ja"):
        assert classification_labels(city.municipality)["第2種"] == "機密性の基準第2種"
        assert classification_labels(city.municipality, "availability")["その他"] == "その他"
    with translation.override("en"):
        assert classification_labels(city.municipality)["第2種"] == "Confidentiality criteria, class 2"
        assert classification_labels(city.municipality, "availability")["その他"] == "Other"


def test_the_ledger_list_and_entry_and_the_application_form_in_english(client: Client) -> None:
    city = f.city()
    entry = f.entry(city)
    assert entry.classification_label == "機密性2"  # kept as judged, in the pack's words
    client.force_login(city.chief)

    listing = _text(client.get("/ledger/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    detail = _text(client.get(f"/ledger/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Confidentiality 2" in listing and "機密性2" not in listing
    assert "Confidentiality 2" in detail and "機密性2" not in detail

    japanese = _text(client.get(f"/ledger/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode())
    assert "機密性2" in japanese and "Confidentiality 2" not in japanese

    client.force_login(city.applicant)
    form = client.get("/applications/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Confidentiality 2</option>" in form and ">Availability 1</option>" in form
    assert "機密性2</option>" not in form
