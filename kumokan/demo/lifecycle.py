"""The demo's life after approval: tasks due and overdue, a re-check order partly answered, an incident.

Runs after the services are built (kumokan.demo.load), through the real actions; each part looks first
for what an earlier run made, so running the demo again adds nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kumokan.core.actors import SYSTEM
from kumokan.core.packs import available
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions.incidents import (
    add_incident_note,
    open_corrective_action,
    report_incident,
    start_incident_handling,
)
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.lifecycle.actions.rechecks import answer_recheck, order_recheck
from kumokan.lifecycle.actions.tasks import assign_task
from kumokan.lifecycle.choices import OrderTrigger, RecheckResult, TaskStatus
from kumokan.lifecycle.models import ChecklistTask, Incident, RecheckOrder
from kumokan.tenancy.models import Municipality, PackVersion

# Two services of this provider are in the demo's ledger (入所申込 in operation, 保育料 approved).
ORDER_PROVIDER = "株式会社すくすくソリューションズ"
INCIDENT_SERVICE = "保育所入所申込システム"


def load_lifecycle_demo(municipality: Municipality, users: dict[str, Any]) -> None:
    with transaction.atomic():
        _adopt_installed_packs(municipality)
        _due_dates(municipality)
        _order(municipality, users)
        _incident(municipality, users)


def _adopt_installed_packs(municipality: Municipality) -> None:
    """The packs the demo judged with are the municipality's baseline for later revisions."""
    installed = available()
    for pack_id in municipality.pack_ids():
        if PackVersion.objects.filter(municipality=municipality, pack_id=pack_id).exists():
            continue
        text = installed[pack_id].read_text(encoding="utf-8")
        adopt_pack_version(acting_user=SYSTEM, municipality=municipality, text=text)


def _due_dates(municipality: Municipality) -> None:
    """Before operation, the first build items fall due (one already overdue); in operation, a few more."""
    tasks = ChecklistTask.objects.filter(entry__municipality=municipality)
    if tasks.filter(due_date__isnull=False).exists():
        return
    today = timezone.localdate()
    for entry in LedgerEntry.objects.filter(municipality=municipality).exclude(status=EntryStatus.RETIRED):
        phases = ("procurement", "build") if entry.status == EntryStatus.APPROVED else ("operation",)
        open_tasks = tasks.filter(entry=entry, phase__in=phases, status=TaskStatus.OPEN).order_by("position")
        for offset, task in zip((-5, 10, 30), open_tasks[:3], strict=False):
            assign_task(
                acting_user=entry.service_manager,
                task=task,
                responsible=task.responsible or entry.service_manager,
                due_date=today + datetime.timedelta(days=offset),
            )


def _order(municipality: Municipality, users: dict[str, Any]) -> None:
    """The security manager asks every service of one provider to re-check; one has answered."""
    if RecheckOrder.objects.filter(municipality=municipality).exists():
        return
    provider_entries = LedgerEntry.objects.filter(
        municipality=municipality, service__provider__name=ORDER_PROVIDER
    ).exclude(status=EntryStatus.RETIRED)
    first = provider_entries.order_by("id").first()
    if first is None:
        return
    order = order_recheck(
        acting_user=users["secmgr"],
        municipality=municipality,
        trigger=OrderTrigger.VULNERABILITY,
        details="提供者の認証基盤に脆弱性が公表された（JVN）。管理者アカウントの多要素認証と影響の有無を確認し、報告すること。",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        provider=first.service.provider,
    )
    answered = order.rechecks.order_by("id").first()
    answer_recheck(
        acting_user=answered.entry.service_manager,
        recheck=answered,
        result=RecheckResult.CONFORMS,
        note="管理者アカウントは全て多要素認証を設定済み。提供者から影響なしの報告を受領した。",
    )


def _incident(municipality: Municipality, users: dict[str, Any]) -> None:
    """A user reports an incident; the manager handles it and opens a corrective action."""
    if Incident.objects.filter(entry__municipality=municipality).exists():
        return
    entry = LedgerEntry.objects.filter(municipality=municipality, service_name=INCIDENT_SERVICE).first()
    if entry is None or entry.status == EntryStatus.RETIRED:
        return
    reporter = next(user for name, user in users.items() if name.startswith("hoiku-"))
    incident = report_incident(
        acting_user=reporter,
        entry=entry,
        title="申込者への通知メールの誤送信",
        description="入所選考結果の通知メール1通が、別の申込者のアドレスに送信された。",
        occurred_at=timezone.now() - datetime.timedelta(days=2),
    )
    manager = entry.service_manager
    start_incident_handling(acting_user=manager, incident=incident)
    add_incident_note(
        acting_user=manager,
        incident=incident,
        text="提供者に送信ログの調査を依頼し、誤送信先に削除を依頼した。",
    )
    open_corrective_action(
        acting_user=manager,
        entry=entry,
        incident=incident,
        description="通知メールの宛先を申込番号と照合してから送信する設定に変更する。",
        owner=manager,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
    )
