"""The ledger's change history and the audit trail are named as people read them, in both languages
(issue 17 point 3): one row is a ledger entry's change, all of them its change history (台帳の変更履歴),
not 'Ledger entry history' for one row and for all."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from kumokan.audit.models import AuditEvent
from kumokan.ledger.models import LedgerChange, LedgerEntry


@pytest.mark.parametrize(
    ("model", "ja", "en"),
    [
        (LedgerChange, ("台帳の変更", "台帳の変更履歴"), ("ledger entry change", "ledger entry changes")),
        (LedgerEntry, ("台帳", "台帳"), ("ledger entry", "ledger entries")),
        (AuditEvent, ("監査記録", "監査記録"), ("audit record", "Audit trail")),
    ],
)
def test_the_history_models_are_named_in_both_languages(model, ja, en) -> None:
    for language, names in (("ja", ja), ("en", en)):
        with translation.override(language):
            assert (str(model._meta.verbose_name), str(model._meta.verbose_name_plural)) == names


@pytest.mark.django_db
def test_the_admin_lists_the_change_history_by_its_name() -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("kanri", password="not used here"))

    ja = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    en = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert ">台帳の変更履歴</a>" in ja
    assert ">Ledger entry changes</a>" in en and ">Ledger entries</a>" in en
    assert "Ledger entry history" not in en
