"""The check constraints several tables share (kumokan.core.constraints) refuse in one set of words."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from kumokan.applications.models import Application
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

BACKWARDS = {"period_start": datetime.date(2027, 4, 1), "period_end": datetime.date(2027, 3, 31)}


def refusals(row: models.Model) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        row.validate_constraints()
    return sorted(str(message) for message in refused.value.messages)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ja", ["利用終了日は利用開始日以降にしてください。", "版は1以上です。"]),
        ("en", ["The end of use cannot be before its start.", "The version is at least 1."]),
    ],
)
def test_an_application_and_a_ledger_entry_refuse_a_backwards_period_and_version_0_alike(
    language: str, words: list[str]
) -> None:
    with translation.override(language):
        for model in (Application, LedgerEntry):
            row = model(**BACKWARDS, version=0)
            assert refusals(row) == sorted(words), model.__name__


def test_a_status_outside_the_choices_is_refused_in_one_set_of_words_by_every_table() -> None:
    """The tables whose status must be one of their choices say so alike (the ledger import's own
    status says it is the import's)."""
    checked = []
    for model in apps.get_models():
        named = {constraint.name for constraint in model._meta.constraints}
        if (
            f"{model._meta.db_table}_status_valid" not in named
            or model._meta.label == "documents.LedgerImport"
        ):
            continue
        row = model(status="no-such-status")
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            row.validate_constraints(exclude={f.name for f in model._meta.fields if f.name != "status"})
        assert "The status is not valid." in refused.value.messages, model._meta.label
        checked.append(model._meta.label)
    assert len(checked) >= 5, checked
