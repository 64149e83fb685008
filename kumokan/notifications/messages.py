"""A notification's text written once, in English, and read in each reader's language (issue 14 point 6).

The msgid is marked with gettext_noop where it is written; `render` translates it and its parameters (a
lazy label, a city's word) in the language asked for, so the row keeps both the Japanese and the English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext


@dataclass(frozen=True)
class Message:
    text: str  # the English msgid, with %(name)s parameters
    params: Mapping[str, Any] = field(default_factory=dict)
    then: Message | None = None  # a sentence that follows, e.g. the reason given

    def render(self, language: str) -> str:
        with translation.override(language):
            rendered = gettext(self.text) % {
                name: value.render(language) if isinstance(value, Message) else str(value)
                for name, value in self.params.items()
            }
            if self.then is not None:
                rendered = f"{rendered} {self.then.render(language)}"
            return rendered
