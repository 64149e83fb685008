"""A refusal names the service manager and the ledger as the city's rules do (issue 17 point 1): in Kobe
「…できるのは、外部サービス管理者か…」 and 情報システム台帳 (kobe.yaml roles, terms 5.2.1④), in Amagasaki its own
クラウドサービス管理者 and 台帳, in English "service manager" and "ledger" (tenancy.vocabulary.in_sentence)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone, translation

from kumokan.errors import WorkflowError
from kumokan.ledger.actions import edit_entry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.incidents import (
    open_corrective_action,
    report_incident,
    start_incident_handling,
)
from kumokan.lifecycle.actions.rechecks import answer_recheck, open_recheck, order_recheck
from kumokan.lifecycle.actions.tasks import assign_task, decide_task
from kumokan.lifecycle.actions.termination import request_termination
from kumokan.lifecycle.choices import RecheckTrigger, TaskStatus
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import City, city, in_operation, member
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db

# The chief as each pack titles it (Kobe 1.3, Amagasaki （２以上）3⑴).
WORDS = [
    ("kobe", "外部サービス管理者", "情報システム台帳", "情報セキュリティ最高責任者（CISO）"),
    ("amagasaki", "クラウドサービス管理者", "台帳", "統括情報セキュリティ責任者"),
]
# kumokan's security manager: Kobe's 情報セキュリティ管理者 (3.4イ); Amagasaki's rules name no one for it and give
# its generic label to the applicant （（２以上）4.2（１）), so it is told apart (tenancy.access.role_titles).
SECURITY = {"kobe": "情報セキュリティ管理者", "amagasaki": "情報セキュリティ管理者（規程に定めのない役割）"}


def refusals(c: City, language: str) -> list[str]:
    """What a member of the city who is not the service's manager is told, step by step."""
    e = in_operation(c)
    someone = c.staff
    task = ChecklistTask.objects.filter(entry=e).first()
    assert task is not None
    incident = report_incident(acting_user=someone, entry=e, title="不正ログイン", description="管理者画面")
    recheck = open_recheck(c.chief, e, RecheckTrigger.ORDERED, timezone.localdate())
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    attempts = [
        lambda: request_termination(acting_user=someone, entry=e, reason="終了"),
        lambda: assign_task(acting_user=someone, task=task, responsible=someone, due_date=None),
        lambda: decide_task(acting_user=someone, task=task, status=TaskStatus.CONFIRMED, note="確認した。"),
        lambda: start_incident_handling(acting_user=someone, incident=incident),
        lambda: answer_recheck(acting_user=someone, recheck=recheck, result="conforms", note=""),
        lambda: open_corrective_action(
            acting_user=someone, entry=e, description="設定する。", owner=someone, deadline=deadline
        ),
        lambda: edit_entry(acting_user=someone, entry=e, changes={"note": "x"}, reason="変更"),
        # A step the entry's state does not allow, asked by its manager.
        lambda: entries.start_operation(acting_user=e.service_manager, entry=e),
    ]
    told = []
    with translation.override(language):
        for attempt in attempts:
            with pytest.raises((PermissionDenied, WorkflowError)) as refused:
                attempt()
            told.append(str(refused.value))
    return told


@pytest.mark.parametrize(("slug", "manager", "ledger", "chief"), WORDS)
def test_refusals_name_the_manager_and_the_ledger_as_the_city_does(slug, manager, ledger, chief) -> None:
    told = refusals(city(slug), "ja")
    assert told[:7] == [
        f"サービスの利用を終了できるのは、{manager}かシステム管理者です。",
        f"タスクを割り当てられるのは、{manager}かシステム管理者です。",
        f"この確認事項を記録できるのは、{manager}か担当者です。",
        f"このサービスのインシデントに対応するのは、{manager}です。",
        f"この再確認に回答できるのは、このサービスの{manager}です。",
        f"是正措置を開始できるのは、{manager}、{SECURITY[slug]}、{chief}です。",
        f"{ledger}を変更できるのは、このサービスの{manager}かシステム管理者です。",
    ]
    assert told[7] == f"「稼働中」の{ledger}は運用開始できません。"
    other = "外部サービス" if slug == "amagasaki" else "クラウドサービス管理者"
    assert not any(other in text for text in told)


def test_in_english_the_refusals_say_service_manager_and_ledger() -> None:
    told = refusals(city("kobe"), "en")
    assert told[0] == "Only the service manager or an administrator may end the use of a service."
    assert told[5] == (
        "Only the service manager, the information security manager or the chief information security officer "
        "may open a corrective action."
    )
    assert (
        told[6] == "Only the service manager of this service or a system administrator may change the ledger."
    )
    assert told[7] == "a ledger entry in state In operation cannot take the step Start operation"


def test_the_ledger_page_refuses_another_manager_in_kobes_words() -> None:
    c = city("kobe")
    e = in_operation(c)
    other = in_operation(c, applicant=member(c.municipality, Role.APPLICANT, c.department))
    client = Client()
    client.force_login(e.service_manager)
    for language, expected in (
        ("ja", "この情報システム台帳を変更できるのは、外部サービス管理者かシステム管理者です。"),
        ("en", "Only the service manager or an administrator may change this ledger entry."),
    ):
        response = client.get(f"/ledger/{other.pk}/edit/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 403
        assert expected in response.content.decode()


@pytest.mark.parametrize(("slug", "chief"), [(slug, chief) for slug, _m, _l, chief in WORDS])
def test_a_re_check_order_is_refused_by_the_citys_titles(slug, chief) -> None:
    c = city(slug)
    e = in_operation(c)
    with translation.override("ja"), pytest.raises(PermissionDenied) as refused:
        order_recheck(
            acting_user=c.staff,
            municipality=c.municipality,
            trigger="terms_changed",
            details="規約の変更",
            due_date=timezone.localdate(),
            entry=e,
        )
    assert str(refused.value) == f"再確認を指示できるのは、{SECURITY[slug]}か{chief}です。"
