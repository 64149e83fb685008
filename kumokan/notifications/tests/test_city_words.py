"""A notification names the ledger as the city's rules do (issue 17 point 1): Kobe's mail and in-app badge
for a changed entry say 情報システム台帳の変更 (kobe.yaml terms.ledger, 5.2.1④), another city's 台帳の変更,
and the English page "Ledger entry changed"."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("slug", "word"), [("kobe", "情報システム台帳"), ("kitakyushu", "台帳")])
def test_a_changed_entry_is_announced_in_the_citys_word(
    django_capture_on_commit_callbacks, slug, word
) -> None:  # type: ignore[no-untyped-def]
    c = f.city(slug)
    with django_capture_on_commit_callbacks(execute=True):
        notify([c.head], Message("Notice"), "/x/", municipality=c.municipality, verb=Verb.LEDGER_CHANGED)
    assert mail.outbox[0].subject == f"[雲管] {word}の変更"
    client = Client()
    client.force_login(c.head)
    japanese = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'<span class="badge">{word}の変更</span>' in japanese
    english = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="badge">Ledger entry changed</span>' in english


@pytest.mark.parametrize(
    ("slug", "manager"), [("kobe", "外部サービス管理者"), ("amagasaki", "クラウドサービス管理者")]
)
def test_a_designation_is_announced_by_the_citys_title(
    django_capture_on_commit_callbacks, slug, manager
) -> None:  # type: ignore[no-untyped-def]
    c = f.city(slug)
    with django_capture_on_commit_callbacks(execute=True):
        notify([c.head], Message("Notice"), "/x/", municipality=c.municipality, verb=Verb.DESIGNATED)
    assert mail.outbox[0].subject == f"[雲管] {manager}の指名"
    client = Client()
    client.force_login(c.head)
    japanese = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'<span class="badge">{manager}の指名</span>' in japanese
    english = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="badge">Service manager designated</span>' in english
