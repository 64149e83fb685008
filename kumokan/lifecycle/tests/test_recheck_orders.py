"""The security manager orders re-checks (Kobe §6.3); each service manager answers; the order closes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.catalog.models import Provider
from kumokan.errors import WorkflowError
from kumokan.lifecycle.actions.rechecks import answer_recheck, order_recheck
from kumokan.lifecycle.choices import OrderScope, OrderStatus, RecheckResult, RecheckStatus, RecheckTrigger
from kumokan.lifecycle.models import Recheck, RecheckOrder
from kumokan.lifecycle.tests.factories import City, city, entry, in_operation, reload, retired
from kumokan.notifications.models import Notification

pytestmark = pytest.mark.django_db

PROVIDER = "株式会社クラウド自治"


def _order(
    c: City, *, by: Any = None, trigger: str = RecheckTrigger.VULNERABILITY, **target: Any
) -> RecheckOrder:
    return order_recheck(
        acting_user=by or c.security_manager,
        municipality=c.municipality,
        trigger=trigger,
        details="提供者の認証基盤に脆弱性が公表された。影響の有無を確認し報告すること。",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        **target,
    )


def _provider(c: City, name: str = PROVIDER) -> Provider:
    return Provider.objects.get(municipality=c.municipality, name=name)


def test_an_order_for_a_provider_fans_out_to_each_of_its_services_in_use() -> None:
    c = city("kobe")
    running = in_operation(c, service_name="電子申請サービス")
    approved = entry(c, service_name="施設予約サービス", high=False)
    elsewhere = in_operation(c, service_name="Web会議サービス", provider="別会社株式会社")
    gone = retired(in_operation(c, service_name="旧アンケートサービス"))
    order = _order(c, provider=_provider(c))
    assert order.scope == OrderScope.PROVIDER and order.status == OrderStatus.OPEN
    assert set(order.rechecks.values_list("entry", flat=True)) == {running.pk, approved.pk}
    assert not Recheck.objects.filter(order=order, entry__in=[elsewhere, gone]).exists()
    assert all(r.trigger == RecheckTrigger.VULNERABILITY for r in order.rechecks.all())
    # Kobe designates the applicant as manager of both services: told once per service.
    assert Notification.objects.filter(user=approved.service_manager, verb="recheck_ordered").count() == 2
    assert AuditEvent.objects.filter(action=Action.LIFECYCLE_ORDER_CREATE, target_id=str(order.pk)).exists()
    assert AuditEvent.objects.filter(action=Action.LIFECYCLE_RECHECK_OPEN).count() >= 2


def test_an_ordered_recheck_cites_the_rules_for_its_reason() -> None:
    c = city("kobe", overlays=())
    e = in_operation(c)
    recheck = _order(c, entry=e, trigger=RecheckTrigger.TERMS_CHANGED).rechecks.get()
    clauses = [rule["source"]["clause"] for rule in recheck.basis]
    assert clauses == ["6.1", "6.3"]


def test_the_order_closes_when_every_manager_has_answered() -> None:
    c = city("kobe")
    one = in_operation(c, service_name="電子申請サービス")
    two = in_operation(c, service_name="施設予約サービス")
    order = _order(c, provider=_provider(c))
    first = order.rechecks.get(entry=one)
    answer_recheck(
        acting_user=one.service_manager, recheck=first, result=RecheckResult.CONFORMS, note="影響なし"
    )
    assert reload(order).status == OrderStatus.OPEN
    second = order.rechecks.get(entry=two)
    answer_recheck(
        acting_user=two.service_manager,
        recheck=second,
        result=RecheckResult.NONCONFORMING,
        note="管理者アカウントに多要素認証が未設定",
    )
    closed = reload(order)
    assert closed.status == OrderStatus.CLOSED and closed.closed_at is not None
    assert Notification.objects.filter(user=c.security_manager, verb="recheck_answered").count() == 2
    assert (
        AuditEvent.objects.filter(action=Action.LIFECYCLE_ORDER_CLOSE, target_id=str(order.pk)).count() == 1
    )


def test_does_not_conform_needs_a_note() -> None:
    c = city("kobe")
    e = in_operation(c)
    recheck = _order(c, entry=e).rechecks.get()
    with pytest.raises(WorkflowError):
        answer_recheck(
            acting_user=e.service_manager, recheck=recheck, result=RecheckResult.NONCONFORMING, note=" "
        )
    assert reload(recheck).status == RecheckStatus.OPEN


def test_only_the_service_manager_answers() -> None:
    c = city("kobe")
    e = in_operation(c)
    recheck = _order(c, entry=e).rechecks.get()
    for someone in (c.security_manager, c.staff, c.administrator):
        with pytest.raises(PermissionDenied):
            answer_recheck(acting_user=someone, recheck=recheck, result=RecheckResult.CONFORMS, note="")


def test_an_answered_recheck_cannot_be_answered_again() -> None:
    c = city("kobe")
    e = in_operation(c)
    recheck = _order(c, entry=e).rechecks.get()
    answer_recheck(acting_user=e.service_manager, recheck=recheck, result=RecheckResult.CONFORMS, note="")
    with pytest.raises(WorkflowError):
        answer_recheck(acting_user=e.service_manager, recheck=recheck, result=RecheckResult.CONFORMS, note="")


@pytest.mark.parametrize("role", ["staff", "applicant", "administrator", "approver"])
def test_only_a_security_manager_or_the_chief_orders(role: str) -> None:
    c = city("kobe")
    e = in_operation(c)
    with pytest.raises(PermissionDenied):
        _order(c, by=getattr(c, role), entry=e)
    assert _order(c, by=c.chief, entry=e).rechecks.count() == 1


def test_a_provider_of_another_municipality_cannot_be_ordered() -> None:
    c = city("kobe")
    other = city("amagasaki")
    in_operation(other)
    with pytest.raises(PermissionDenied):
        _order(c, provider=_provider(other))


def test_an_order_with_nothing_in_use_is_refused() -> None:
    c = city("kobe")
    gone = retired(in_operation(c))
    with pytest.raises(WorkflowError) as refused:
        _order(c, entry=gone)
    assert refused.value.code == "no_target"


def test_an_order_names_one_service_or_one_provider() -> None:
    c = city("kobe")
    e = in_operation(c)
    with pytest.raises(WorkflowError):
        _order(c, entry=e, provider=_provider(c))
    with pytest.raises(WorkflowError):
        _order(c)


def test_retiring_a_service_cancels_its_open_recheck_and_may_close_the_order() -> None:
    c = city("kobe")
    e = in_operation(c)
    order = _order(c, entry=e)
    retired(e)
    assert order.rechecks.get().status == RecheckStatus.CANCELLED
    assert reload(order).status == OrderStatus.CLOSED
