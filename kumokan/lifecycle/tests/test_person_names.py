"""People as the city writes them: family name first on every page (issue 17, point 4).

Every page names a person through one path, the `person` filter (core.actors.display_name); Django's
get_full_name writes the given name first (「花子 山田」) and no template may call it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

import kumokan
from kumokan.lifecycle.actions.incidents import (
    add_incident_note,
    open_corrective_action,
    report_incident,
    start_incident_handling,
)
from kumokan.lifecycle.actions.rechecks import answer_recheck, order_recheck
from kumokan.lifecycle.choices import TaskStatus
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, in_operation, terminated_up_to

FAMILY_FIRST, GIVEN_FIRST = "山田 花子", "花子 山田"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _named(user):  # type: ignore[no-untyped-def]
    user.last_name, user.first_name = "山田", "花子"
    user.save(update_fields=["last_name", "first_name"])
    return user


@pytest.mark.django_db
def test_every_page_that_names_a_person_writes_the_family_name_first() -> None:
    c = city("kobe")
    e = in_operation(c)
    manager = e.service_manager
    order = order_recheck(
        acting_user=c.security_manager,
        municipality=c.municipality,
        trigger="configuration_changed",
        details="設定変更の影響を確認",
        due_date=timezone.localdate(),
        entry=e,
    )
    recheck = order.rechecks.get()
    answer_recheck(acting_user=manager, recheck=recheck, result="nonconforming", note="公開範囲が全体")
    open_corrective_action(
        acting_user=manager,
        entry=e,
        recheck=recheck,
        description="公開範囲を所属内に戻す",
        owner=manager,
        deadline=timezone.localdate(),
    )
    incident = report_incident(acting_user=manager, entry=e, title="障害", description="ログイン不可")
    start_incident_handling(acting_user=manager, incident=incident)
    add_incident_note(acting_user=manager, incident=incident, text="提供者へ連絡")
    task = ChecklistTask.objects.filter(entry=e, status=TaskStatus.CONFIRMED).first()
    termination = terminated_up_to(e, None)
    _named(manager)
    _named(c.security_manager)

    pages = {
        "header and sign-in line": "/",
        "報告者 (incident)": incident.get_absolute_url(),
        "回答者 (recheck)": recheck.get_absolute_url(),
        "task": f"/lifecycle/tasks/{task.pk}/",
        "entry (corrective action owner)": f"/lifecycle/entries/{e.pk}/",
        "termination": f"/lifecycle/entries/{termination.entry_id}/termination/",
        "order": order.get_absolute_url(),
        "orders": "/lifecycle/orders/",
    }
    for where, url in pages.items():
        viewer = c.security_manager if "order" in where else manager
        response = _client(viewer).get(url, follow=True, headers={"accept-language": "ja"})
        text = response.content.decode()
        assert response.status_code == 200, where
        assert FAMILY_FIRST in text, where
        assert GIVEN_FIRST not in text, where


def test_no_template_calls_get_full_name_or_writes_a_name_from_its_parts() -> None:
    root = Path(kumokan.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"get_full_name|\.first_name|\.last_name", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
