"""Errors the engine reports: each names where the problem is, in Japanese and English."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """Escape control characters, so that one problem stays on one line (keys come from user input)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Problem:
    """One problem with one input key (facts) or one place in a pack file."""

    where: str
    ja: str
    en: str

    def line(self) -> str:
        return _one_line(f"{self.where}: {self.ja} / {self.en}")


class PolicyError(Exception):
    """Base of the engine's refusals."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.line() for p in problems))
        self.problems = problems


class FactsError(PolicyError):
    """The facts are not valid for the packs: CLI exit status 2."""


class PackError(PolicyError):
    """A pack file does not validate."""


class UnknownPack(PolicyError):
    """No pack has this id: CLI exit status 3."""

    def __init__(self, pack_id: str, known: list[str]) -> None:
        known_text = ", ".join(known)
        super().__init__(
            [
                Problem(
                    "pack",
                    f"「{pack_id}」というパックはありません（あるもの: {known_text}）",
                    f"no pack has the id {pack_id!r} (known: {known_text})",
                )
            ]
        )
        self.pack_id = pack_id
