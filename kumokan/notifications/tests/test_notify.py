"""Notifications: a row per person now, an e-mail once the action commits."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.notifications.actions import mark_all_read, mark_read, notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notify_creates_one_row_per_active_person(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    c = f.city("kobe")
    c.chief.is_active = False
    c.chief.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            [c.head, c.head, c.chief],
            Message("Notice"),
            "/x/",
            municipality=c.municipality,
            verb=Verb.SUBMITTED,
        )
    assert [n.user for n in created] == [c.head]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [c.head.email]
    assert mail.outbox[0].subject == "[雲管] 審査依頼"


def test_mail_goes_out_only_after_commit(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    c = f.city("kobe")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([c.head], Message("Notice"), "/x/", municipality=c.municipality, verb=Verb.SUBMITTED)
    assert len(mail.outbox) == 0
    assert len(callbacks) == 1


def test_submitting_mails_the_approver(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    c = f.city("kobe")
    with django_capture_on_commit_callbacks(execute=True):
        f.submitted(c)
    assert [m.to for m in mail.outbox] == [[c.security_manager.email]]
    assert "電子申請サービス" in mail.outbox[0].body


def test_mark_read_only_for_the_owner() -> None:
    c = f.city("kobe")
    [notification] = notify([c.head], Message("x"), "/x/", municipality=c.municipality, verb=Verb.SUBMITTED)
    with pytest.raises(PermissionDenied):
        mark_read(acting_user=c.chief, notification=notification)
    assert mark_read(acting_user=c.head, notification=notification).read_at is not None


def test_mark_all_read_counts_what_it_marked() -> None:
    c = f.city("kobe")
    notify([c.head], Message("x"), "/x/", municipality=c.municipality, verb=Verb.SUBMITTED)
    notify([c.head], Message("y"), "/y/", municipality=c.municipality, verb=Verb.APPROVED)
    assert mark_all_read(acting_user=c.head) == 2
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_notification_is_kept_in_japanese_and_english_and_read_in_the_readers_language() -> None:
    from django.utils import translation

    c = f.city("kobe")
    application = f.submitted(c)
    notification = c.security_manager.notifications.get()
    service = application.service
    assert notification.text == f"申請 花子さん（{c.department}）から「{service}」の利用申請が届きました。"
    assert notification.text_en == f"申請 花子 ({c.department}) applied to use {service}."
    with translation.override("en"):
        assert notification.text_for_reader == notification.text_en
    assert notification.text_for_reader == notification.text


def test_the_designation_names_the_manager_as_the_city_does() -> None:
    from django.utils import translation

    c = f.city("kobe")
    application = f.decided(c, Outcome.APPROVED)
    # Kobe 5.2.1③: the applicant is designated.
    notification = Notification.objects.get(verb=Verb.DESIGNATED)
    assert notification.text == f"「{application.service}」の外部サービス管理者に指名されました。"
    with translation.override("en"):
        assert notification.text_for_reader == f"You are designated Service manager of {application.service}."
