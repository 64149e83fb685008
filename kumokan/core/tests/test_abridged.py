"""Long checklist texts on the dashboard and the service page are shortened in the middle (abridged), so
that items differing only at their end stay distinguishable (issue 17: a clerk's list of tasks)."""

from __future__ import annotations

from django.template.defaultfilters import truncatechars

from kumokan.core.packs import load_pack
from kumokan.core.templatetags.kumokan import abridged


def kobe_operation_rules() -> list[str]:
    pack = load_pack("kobe").pack
    return [
        item.text
        for item in pack.items
        if item.source.clause.startswith("3.6①") and item.source.clause != "3.6①"
    ]


def test_kobes_nine_operating_rules_read_differently_when_shortened() -> None:
    texts = kobe_operation_rules()
    assert len(texts) == 9
    assert len({truncatechars(text, 70) for text in texts}) == 1  # cut at the end, all nine read alike
    shortened = [abridged(text, 70) for text in texts]
    assert len(set(shortened)) == 9
    assert all(len(text) == 70 for text in shortened)
    assert "「取り扱う資産の管理」を規定すること。" in shortened[2]
    assert shortened[2].startswith("業務システム管理者、情報基盤管理者は")


def test_a_short_text_is_left_whole() -> None:
    assert abridged("利用方針を定める。", 70) == "利用方針を定める。"
    assert abridged(None) == ""
