"""Municipalities, departments and roles read in English when English is chosen, Japanese by default."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from kumokan.applications.tests import factories as f
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
HEADERS = re.compile(
    r'<th scope="col" class="[^"]*column-(\w+)[^"]*">.*?<div class="text">(?:<a [^>]*>)?([^<]*)<', re.S
)
ROLES = re.compile(r'<td class="field-role_title">([^<]*)</td>')


def membership_list(language: str) -> str:
    f.city("kobe")
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("admin", password="not used here"))
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    return client.get("/admin/tenancy/membership/", **headers).content.decode()


def test_the_role_list_reads_in_english() -> None:
    page = membership_list("en")

    assert dict(HEADERS.findall(page)) == {
        "user": "User",
        "municipality": "Municipality",
        "department": "Department",
        "role_title": "Role",
    }
    assert "Approver" in ROLES.findall(page)
    assert [role for role in ROLES.findall(page) if JAPANESE.search(role)] == []
    assert "Municipalities and departments" in page


def test_the_role_list_stays_japanese_by_default() -> None:
    page = membership_list("ja")

    assert dict(HEADERS.findall(page)) == {
        "user": "利用者",
        "municipality": "自治体",
        "department": "所属",
        "role_title": "役割",
    }
    assert "許可権限者" in ROLES.findall(page)
    assert "自治体と所属" in page


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_duplicate_department_is_refused_in_the_chosen_language(language: str) -> None:
    city = f.city("kobe")
    taken = city.department
    again = Department(municipality=city.municipality, name=taken.name, code=taken.code)

    with translation.override(language), pytest.raises(ValidationError) as refused:
        again.validate_constraints()

    messages = [str(m) for m in refused.value.messages]
    assert messages and all(bool(JAPANESE.search(m)) == (language == "ja") for m in messages), messages


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_role_and_field_name_has_a_label_in_each_language(language: str) -> None:
    with translation.override(language):
        labels = [str(role.label) for role in Role]
        for model in (Municipality, Department, Membership):
            labels += [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
            labels += [str(field.verbose_name) for field in model._meta.get_fields() if field.concrete]

    japanese = {label for label in labels if JAPANESE.search(label)}
    assert set(labels) - japanese == ({"ID"} if language == "ja" else set(labels))


@pytest.mark.parametrize(
    ("slug", "title"), [("kobe", "外部サービス管理者"), ("amagasaki", "クラウドサービス管理者")]
)
def test_the_role_list_gives_each_city_its_title(slug: str, title: str) -> None:
    c = f.city(slug)
    manager = f.member(c.municipality, Role.SERVICE_MANAGER, c.department)
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("admin", password="not used here"))
    page = client.get("/admin/tenancy/membership/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert title in ROLES.findall(page)
    # Kobe's administrator is the pack's 業務システム管理者、情報基盤管理者 (3.6①), Amagasaki's the product's.
    assert ("業務システム管理者、情報基盤管理者" in ROLES.findall(page)) == (slug == "kobe")
    english = client.get("/admin/tenancy/membership/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Service manager" in ROLES.findall(english)
    with translation.override("ja"):
        assert str(Membership.objects.get(user=manager)).endswith(f"/ {title}")


def test_the_role_filter_names_the_roles_of_the_city_the_list_shows() -> None:
    c = f.city("kobe")
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("admin", password="not used here"))
    narrowed = client.get(
        f"/admin/tenancy/membership/?municipality__id__exact={c.municipality.pk}", HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert "role=service_manager" in narrowed
    assert re.search(r'role=service_manager"[^>]*>外部サービス管理者</a>', narrowed)
    assert "業務システム管理者、情報基盤管理者</a>" in narrowed
    everyone = client.get("/admin/tenancy/membership/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert re.search(r'role=service_manager"[^>]*>クラウドサービス管理者</a>', everyone)
    assert client.get("/admin/tenancy/membership/?municipality__id__exact=x").status_code in (200, 302)
