"""A re-check's page links its order only for those whom the order's page opens (issue 17 point 7):
the order view's own guard and rows, asked once."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kumokan.lifecycle.actions.rechecks import order_recheck
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.tests.factories import city, in_operation, member
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_the_order_is_linked_where_it_opens_and_named_without_a_link_elsewhere() -> None:
    c = city("kobe", overlays=())
    e = in_operation(c)
    order = order_recheck(
        acting_user=c.security_manager,
        municipality=c.municipality,
        trigger=RecheckTrigger.VULNERABILITY,
        details="提供者の認証基盤に脆弱性が公表された。",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        entry=e,
    )
    recheck = order.rechecks.get()
    auditor = member(c.municipality, Role.AUDITOR)
    readers = {
        c.security_manager: True,
        e.service_manager: True,
        c.administrator: False,  # manages the ledger, but the order asks other managers
        auditor: False,  # reads every service, orders none
    }
    link = f'href="{order.get_absolute_url()}"'
    for reader, linked in readers.items():
        client = Client()
        client.force_login(reader)
        page = client.get(recheck.get_absolute_url())
        assert page.status_code == 200
        assert (link in page.content.decode()) is linked, reader
        assert str(order) in page.content.decode()
        assert (client.get(order.get_absolute_url()).status_code == 200) is linked, reader
