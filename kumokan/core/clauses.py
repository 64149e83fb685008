"""The order of a rules document's clauses, read from their numbering (one rule for every page that lists
clauses: the rulebook, the procurement sections, the responsibility split)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# A clause's parts: a number; a word of a legal numbering (第, 条, 項 … of 第3条第2項第1号, each a part of
# its own); one kana letter that numbers an item (ア, イ … as in 3.4イ or (ア)); a word; or one mark.
# Circled and parenthesised numbers (①, ⑴) are read as numbers before this.
_CLAUSE_PART = re.compile(
    r"(?P<number>\d+)|(?P<numbering>[第章節款目条項号])|(?P<kana>[ァ-ヺ])(?![^\W\d_])"
    r"|(?P<word>(?:(?![第章節款目条項号])[^\W\d_])+)|(?P<mark>.)",
    re.S,
)


def _clause_parts(clause: str) -> list[tuple[str, str | int]]:
    parts: list[tuple[str, str | int]] = []
    plain: list[str] = []

    def read_plain() -> None:
        text = unicodedata.normalize("NFKC", "".join(plain))
        for match in _CLAUSE_PART.finditer(text):
            kind = match.lastgroup or "mark"
            value = match.group(kind)
            parts.append((kind, int(value) if kind == "number" else value))
        plain.clear()

    for character in clause:
        if unicodedata.category(character) == "No":  # ① ⑴ ⒈: a number in one character
            read_plain()
            parts.append(("number", int(unicodedata.numeric(character))))
        else:
            plain.append(character)
    read_plain()
    return parts


def in_the_rules_order(things: Iterable[T], clause: Callable[[T], str]) -> list[T]:
    """Clauses as the rules number them (1.3 before 2.1 before 3.4ア before 3.4イ before 3.6①; 第2章
    before 第4章; 4⑴ before 4.1), whatever order the pack cites them in. The words between the numbers
    (（２以上）/（２未満）, 導入・構築時/運用・保守時, ＜…に関する事項＞) keep the order of the pack's
    first citation, which follows the seed; a kana that numbers an item goes in the syllabary's order."""
    listed = list(things)
    parts = [_clause_parts(clause(thing)) for thing in listed]
    rank: dict[str, int] = {}
    for clause_parts in parts:
        for kind, value in clause_parts:
            if kind in ("word", "mark", "numbering"):
                rank.setdefault(str(value), len(rank))

    def key(clause_parts: list[tuple[str, str | int]]) -> tuple[tuple[int, int], ...]:
        order = {"number": 0, "kana": 1}
        return tuple(
            (order[kind], int(value) if kind == "number" else ord(str(value)))
            if kind in order
            else (2, rank[str(value)])
            for kind, value in clause_parts
        )

    ordered = sorted(range(len(listed)), key=lambda index: key(parts[index]))
    return [listed[index] for index in ordered]
