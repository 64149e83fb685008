"""Every action the trail records reads in Japanese and in English, and is a migrated choice."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from kumokan.applications.tests import factories as f
from kumokan.audit.actions import record
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("action", list(Action), ids=lambda action: action.value)
def test_every_action_reads_in_japanese_and_in_english(action: Action) -> None:
    with translation.override("ja"):
        ja = str(action.label)
    with translation.override("en"):
        en = str(action.label)

    assert JAPANESE.search(ja), f"{action.value}: no Japanese label ({ja!r}); add it to kumokan/locale"
    assert en and not JAPANESE.search(en), f"{action.value}: no English label ({en!r})"


@pytest.mark.django_db
def test_the_action_choices_are_migrated() -> None:
    out = io.StringIO()

    # Exits with status 1 (SystemExit) when an action was added to the choices without a migration.
    call_command("makemigrations", "audit", check=True, dry_run=True, stdout=out)

    assert AuditEvent._meta.get_field("action").choices == Action.choices


@pytest.mark.django_db
def test_an_action_that_is_not_a_choice_is_not_recorded() -> None:
    c = f.city("kobe")
    before = AuditEvent.objects.count()

    with pytest.raises(ValueError), transaction.atomic():
        record(c.administrator, "department.rename", c.department, None, {"name": "x"})  # type: ignore[arg-type]

    assert AuditEvent.objects.count() == before
