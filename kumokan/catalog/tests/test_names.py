"""Providers and services are matched whatever the width or case they are typed in."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from kumokan.applications.tests import factories as f
from kumokan.catalog.models import CloudService, Provider, name_key

pytestmark = pytest.mark.django_db


def test_name_key_folds_width_case_and_spaces() -> None:
    assert name_key("ＡＢＣ　ｃｌｏｕｄ株式会社 ") == name_key("abc Cloud株式会社") == "abc cloud株式会社"


def test_one_provider_per_name_in_a_municipality() -> None:
    c = f.city("kobe")
    Provider.objects.create(municipality=c.municipality, name="ＬＩＮＥヤフー株式会社")
    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.create(municipality=c.municipality, name="LINEヤフー株式会社")


def test_the_same_provider_name_may_exist_in_two_municipalities() -> None:
    kobe, osaka = f.city("kobe"), f.city("osaka")
    Provider.objects.create(municipality=kobe.municipality, name="株式会社A")
    Provider.objects.create(municipality=osaka.municipality, name="株式会社A")
    assert Provider.objects.count() == 2


def test_a_service_is_unique_per_provider_name_and_function() -> None:
    c = f.city("kobe")
    provider = Provider.objects.create(municipality=c.municipality, name="株式会社A")
    CloudService.objects.create(
        provider=provider, name="グループウェア", function_name="掲示板", service_model="saas"
    )
    CloudService.objects.create(
        provider=provider, name="グループウェア", function_name="施設予約", service_model="saas"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CloudService.objects.create(
            provider=provider, name="グループウェア", function_name="掲示板", service_model="saas"
        )
