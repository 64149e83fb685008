"""The catalogue's labels read in English when English is chosen, and stay Japanese by default."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from kumokan.applications.tests import factories as f
from kumokan.catalog.choices import ServiceModel
from kumokan.catalog.models import CloudService, Provider, name_key
from kumokan.catalog.tests import factories as cf

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Bracketed as the page's language brackets (core.punctuation.bracketed): （ウェブ会議） / " (Web conference)".
SERVICE_MODELS = re.compile(r'<span class="muted">(?:（| \()([^<]*)(?:）|\))</span>')


def test_the_provider_page_names_service_models_in_english() -> None:
    city = f.city("kobe")
    meetings = cf.service(city.municipality, "会議室", service_model=ServiceModel.WEB_CONFERENCE)
    cf.service(city.municipality, "掲示板", service_model=ServiceModel.OTHER)
    client = Client()
    client.force_login(city.staff)
    url = f"/catalog/providers/{meetings.provider.pk}/"

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    japanese = client.get(url).content.decode()

    assert SERVICE_MODELS.findall(english) == ["Web conference", "Other"]
    assert SERVICE_MODELS.findall(japanese) == ["ウェブ会議", "その他"]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_duplicate_provider_refusal_speaks_the_chosen_language(language: str) -> None:
    city = f.city("kobe")
    Provider.objects.create(municipality=city.municipality, name="株式会社A")
    again = Provider(municipality=city.municipality, name="株式会社Ａ", name_key=name_key("株式会社Ａ"))

    with translation.override(language), pytest.raises(ValidationError) as refused:
        again.validate_constraints()

    message = str(refused.value.messages[0])
    assert bool(JAPANESE.search(message)) == (language == "ja"), message


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_service_model_and_field_name_has_a_label_in_each_language(language: str) -> None:
    with translation.override(language):
        labels = [str(model.label) for model in ServiceModel]
        for model in (Provider, CloudService):
            labels += [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
            labels += [str(field.verbose_name) for field in model._meta.get_fields() if field.concrete]

    japanese = {label for label in labels if JAPANESE.search(label)}
    if language == "en":
        assert japanese == set()
    else:
        assert set(labels) - japanese == {"ID", "SaaS", "PaaS", "IaaS", "SNS"}
