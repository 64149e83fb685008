"""Template helpers shared by every page: citing a pack's source, the pack's text in the active language,
and the badge that shows a state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from kumokan.core import city_dates
from kumokan.core.actors import display_name
from kumokan.core.citations import citation
from kumokan.core.labels import PHASE_LABELS, SEVERITY_LABELS
from kumokan.core.packs import load_pack
from kumokan.core.punctuation import (
    bracketed,
    enumeration_separator,
    joined,
    label_separator,
    period_separator,
)
from kumokan.errors import as_sentence, reads_english
from kumokan.policy import PolicyError

register = template.Library()

# The badge class for each state and severity (the text of the badge names the state).
_BADGES = {
    "draft": "badge--draft",
    "submitted": "badge--pending",
    "returned": "badge--warn",
    "approved": "badge--approved",
    "rejected": "badge--rejected",
    "withdrawn": "badge--retired",
    "in_operation": "badge--active",
    "suspended": "badge--warn",
    "retired": "badge--retired",
    "block": "badge--block",
    "warn": "badge--warn",
    "info": "badge--pending",
    "high": "badge--warn",
    "low": "badge--draft",
    # Certifications (withdrawn above) and ISMAP list imports.
    "valid": "badge--approved",
    "renewal_pending": "badge--pending",
    "expired": "badge--rejected",
    "dry_run": "badge--pending",
    "committed": "badge--approved",
    "discarded": "badge--retired",
}


@register.filter
def badge(state: str) -> str:
    """The CSS modifier of the badge for a state, a severity or a track."""
    return _BADGES.get(str(state), "")


@register.filter
def cite(source: dict[str, str] | None) -> str:
    """A pack rule's source as the rules' name and clause, linked to the clause in the rulebook."""
    found = citation(source)
    if found is None:
        return ""
    if found.url is None:
        return found.text
    return format_html('<a href="{}">{}</a>', found.url, found.text)


@register.filter
def listing(parts: Any) -> str:
    """A list's words joined as the active language joins them (・ / ", ")."""
    return joined(parts or ())


@register.filter
def abridged(text: Any, length: int = 70) -> str:
    """A long text shortened in its middle, keeping its beginning and its end: the rules' items often
    differ only at the end (Kobe 3.6①ア–ケ: 「…セキュリティ対策として「取り扱う資産の管理」を規定すること。」),
    so a text cut at its end would read the same for each of them."""
    text = str(text or "")
    if len(text) <= length:
        return text
    head = (length - 1) * 2 // 5
    tail = length - 1 - head
    return f"{text[:head]}…{text[-tail:]}"


@register.filter(is_safe=True)
def in_brackets(text: Any) -> str:
    """A remark after a word, bracketed as the active language brackets it (（…） / " (…)")."""
    return bracketed(text) if text not in (None, "") else ""


@register.simple_tag
def colon() -> str:
    return label_separator()


@register.simple_tag
def until() -> str:
    """Between the two dates of a period (〜 / –)."""
    return period_separator()


@register.filter
def rules_of(packs: list[dict[str, str]] | None) -> str:
    """The packs a judgment was made with, by name and version, each linked to its rulebook."""
    links = []
    for ref in packs or ():
        try:
            name = load_pack(ref["id"]).pack.rules_name
        except PolicyError:
            name = ref["id"]
        url = reverse("rulebook:pack", args=[ref["id"]])
        links.append(format_html('<a href="{}">{}</a>{}', url, name, bracketed(ref.get("version", ""))))
    return format_html_join(enumeration_separator(), "{}", ((link,) for link in links))


@register.filter
def in_language(rule: Mapping[str, Any], key: str = "text") -> str:
    """An item's text or a finding's message; the pack's English gloss when English is active."""
    if reads_english():
        english = rule.get(f"{key}_en")
        if english:
            return str(english)
    return str(rule.get(key, ""))


@register.filter
def sentence(text: Any) -> str:
    """A refusal or problem shown on its own reads as a sentence (kumokan.errors.as_sentence)."""
    return as_sentence(str(text))


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """mapping[key], or None (templates cannot index with a variable)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def phase_label(phase: str) -> str:
    return str(PHASE_LABELS.get(phase, phase))


@register.filter
def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(severity, severity))


@register.filter
def person(user: Any) -> str:
    """A person's name as Japanese documents write it: family name first."""
    return display_name(user) if user is not None else ""


@register.filter
def city_date(value: Any) -> str:
    """A date as the city writes it: 2027-04-01（令和9年4月1日）; — for none."""
    return city_dates.city_date(value)
