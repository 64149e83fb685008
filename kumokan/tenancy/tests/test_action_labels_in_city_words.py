"""The audit trail's actions as people read them (issue 17 points 1 and 3): in Japanese and in English,
never as their stored codes, and where an action's name says the service or the ledger, in the words of
the record's city (Kobe: 情報システム台帳, 外部サービス; kobe.yaml terms), the generic words elsewhere."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.tenancy.vocabulary import action_label

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["kobe", "osaka"])
def test_every_action_is_named_in_both_languages_without_its_code(slug: str) -> None:
    municipality = f.city(slug).municipality
    for action in Action:
        with translation.override("ja"):
            ja = action_label(action.value, municipality)
        with translation.override("en"):
            en = action_label(action.value, municipality)
        assert JAPANESE.search(ja) and not CODE.search(ja) and "%(" not in ja, (action.value, ja)
        assert en and not JAPANESE.search(en) and not CODE.search(en) and "%(" not in en, (action.value, en)


@pytest.mark.parametrize(
    ("slug", "language", "action", "label"),
    [
        ("kobe", "ja", Action.LEDGER_REGISTER, "情報システム台帳への登録"),
        ("kobe", "ja", Action.LEDGER_EDIT, "情報システム台帳の変更"),
        ("kobe", "ja", Action.LEDGER_IMPORT_COMMIT, "情報システム台帳ファイルの取込み"),
        ("kobe", "ja", Action.SERVICE_CREATE, "外部サービスの登録"),
        ("kobe", "ja", Action.PROCUREMENT_LINK_ENTRY, "調達と情報システム台帳の紐付け"),
        ("osaka", "ja", Action.LEDGER_REGISTER, "台帳への登録"),
        ("osaka", "ja", Action.SERVICE_CREATE, "クラウドサービスの登録"),
        ("kobe", "en", Action.LEDGER_REGISTER, "Entered in the ledger"),
        ("kobe", "en", Action.LEDGER_EDIT, "Ledger entry changed"),
        ("kobe", "en", Action.SERVICE_CREATE, "Cloud service registered"),
        ("kobe", "ja", Action.APPLICATION_SUBMIT, "申請"),
    ],
)
def test_an_action_that_names_the_service_or_the_ledger_says_the_citys_word(
    slug: str, language: str, action: Action, label: str
) -> None:
    municipality = f.city(slug).municipality
    with translation.override(language):
        assert action_label(action.value, municipality) == label


def test_the_admins_audit_trail_names_actions_and_targets_as_people_do() -> None:
    c = f.city("kobe")
    f.entry(c)
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("kansa", password="not used here"))

    ja = client.get("/admin/audit/auditevent/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    en = client.get("/admin/audit/auditevent/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "情報システム台帳への登録" in ja and ">利用申請<" in ja
    assert "Entered in the ledger" in en and ">Ledger entry<" in en
    for page in (ja, en):
        assert "ledger.register" not in page.replace('action__exact=ledger.register"', "")
        assert "ledger.ledgerentry" not in page and "applications.application" not in page


def test_an_applications_history_names_each_action_in_the_readers_language(client: Client) -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    client.force_login(application.applicant)

    ja = client.get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    en = client.get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<td>申請</td>" in ja
    assert "<td>Application submitted</td>" in en
    assert "application.submit" not in ja and "application.submit" not in en


def test_a_stored_action_no_longer_known_is_not_shown_by_its_code() -> None:
    municipality = f.city("kobe").municipality
    with translation.override("ja"):
        assert action_label("department.rename", municipality) == "不明な操作"
    with translation.override("en"):
        assert action_label("department.rename", municipality) == "Unknown action"
