"""A lazy text kept as data (kumokan.errors.stored) reads back in any language (restored), its lazy
parameters too; a text that cannot be kept so is refused, never frozen in the language of the moment."""

from __future__ import annotations

import json

import pytest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from kumokan.errors import in_both, interpolate, joined, rendered, restored, stored
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.tenancy.vocabulary import in_sentence


def round_trip(text: Promise) -> str | Promise:
    return restored(json.loads(json.dumps(stored(text))))


def test_a_msgid_with_lazy_labels_as_parameters_reads_in_each_language() -> None:
    refusal = interpolate(
        gettext_lazy("a %(ledger)s entry in state %(status)s cannot take the step %(step)s"),
        # "Retired" is a status in its context (pgettext_lazy), "Retire" a plain msgid; the city's word
        # for the ledger comes in both languages (tenancy.vocabulary.in_sentence).
        {"status": EntryStatus.RETIRED.label, "step": EntryStep.RETIRE.label} | in_sentence(None),
    )

    kept = round_trip(refusal)

    assert rendered(kept, "en") == "a ledger entry in state Retired cannot take the step Retire"
    assert rendered(kept, "ja") == rendered(refusal, "ja")
    assert rendered(kept, "ja") == "「廃止済み」の台帳は廃止できません。"


def test_a_label_a_typed_parameter_and_a_text_in_both_languages_are_kept() -> None:
    assert stored(EntryStep.START_OPERATION.label) == {"msgid": "Start operation"}
    assert stored(EntryStatus.RETIRED.label) == {"msgid": "Retired", "context": "status"}
    typed = interpolate(gettext_lazy("Cannot be corrected: %(result)s"), {"result": "<b>未対応</b>"})
    assert stored(typed) == {
        "msgid": "Cannot be corrected: %(result)s",
        "params": {"result": "<b>未対応</b>"},
    }
    both = round_trip(in_both("期間が不正です。", "the period is wrong"))
    assert (rendered(both, "ja"), rendered(both, "en")) == ("期間が不正です。", "the period is wrong")


def test_a_text_that_cannot_be_kept_is_refused() -> None:
    with pytest.raises(TypeError):
        stored(joined([EntryStep.RETIRE.label, EntryStep.SUSPEND.label]))
