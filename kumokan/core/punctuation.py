"""Punctuation that differs between the languages: 「A・B」「（注）」「：」「〜」 in Japanese, "A, B" "(note)"
": " "–" in English. Every page and message joins and brackets through these."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import pgettext


def joined(parts: Iterable[object]) -> str:
    """Words of one list: 個人情報・特定個人情報 / personal information, specific personal information."""
    return pgettext("list separator", ", ").join(str(p) for p in parts)


def enumeration_separator() -> str:
    """Between phrases of one sentence: A、B / A, B."""
    return pgettext("enumeration separator", ", ")


def bracketed(text: object) -> str:
    """A remark after a word: （注） / " (note)"."""
    return pgettext("brackets", " (%(text)s)") % {"text": text}


def paired(first: object, second: object) -> str:
    """Two values of one field: 機密性2／可用性2 / "Confidentiality 2 / availability 2"."""
    return pgettext("pair separator", " / ").join((str(first), str(second)))


def label_separator() -> str:
    return pgettext("label separator", ": ")


def period_separator() -> str:
    return pgettext("period", " – ")
