"""Refusals of kumokan's actions, read in the reader's language (the engine's own errors are kumokan.policy's).

A refusal is written once, as an English msgid through gettext_lazy with named %(name)s parameters, and its
Japanese lives in the catalogue with every other text (issue 14 point 6): `WorkflowError(_("the entry is
retired"), code="retired")`, or with parameters `WorkflowError(_("item %(item)s is unknown"), code="item",
params={"item": item_id})`. It is translated when it is read: `message` in the active language, `ja` and
`en` in each (the API answers with both).

Such a text can also be kept and read later in another language: `stored` turns it into data (its msgid,
context and parameters, a lazy parameter likewise) and `restored` back into the lazy text (the ledger's
history keeps its generated reasons so, kumokan.ledger.actions.save_change).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def _interpolate(text: str | Promise, params: Mapping[str, Any]) -> str:
    # A parameter that is itself lazy (a choice's label, another refusal) is read in the same language.
    return str(text) % {
        name: str(value) if isinstance(value, Promise) else value for name, value in params.items()
    }


def reads_english() -> bool:
    """Whether the active language is English (Japanese otherwise: the product's first language)."""
    return (get_language() or "ja").startswith("en")


def _either(ja: str, en: str) -> str:
    return en if reads_english() else ja


def _joined(parts: tuple[str | Promise, ...], separator: tuple[str, str]) -> str:
    return pgettext(*separator).join(str(part) for part in parts)


interpolate = lazy(_interpolate, str)
"""The msgid with its parameters, translated when read."""

in_both = lazy(_either, str)
"""A text that comes already in Japanese and English (the policy engine's problems, which know no Django)."""


def words_in_both(read: Callable[[], Mapping[str, str]]) -> dict[str, Any]:
    """Words read once in Japanese and once in English (`read` reads them in the active language), as a
    message's parameters that each reader reads in their language: in English in lower case, as inside a
    sentence ("Only the service manager …"). A text made with them can be kept and read later (stored)."""
    with translation.override("ja"):
        ja = read()
    with translation.override("en"):
        en = read()
    return {name: in_both(ja[name], en[name].lower()) for name in ja}


def as_typed(value: str) -> str | Promise:
    """A value someone typed or sent, as each language shows it in a sentence: as it is in Japanese (the
    msgstr puts it in 「」 where it reads so), Python's repr in English ('x')."""
    return in_both(value, repr(value))


_joined_lazy = lazy(_joined, str)


# Japanese sentences end with 。and follow each other; English fragments are separated by "; ".
REASONS = ("separator between reasons", "; ")
CHOICES = ("separator between choices", ", ")
EXAMPLES = ("separator between examples", ", ")


_JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
_LATIN = re.compile("[A-Za-z]")


def as_sentence(text: str) -> str:
    """A refusal shown on its own (a message, a form error, the API's message_en) reads as a sentence:
    its first letter capitalised. Its msgid may be a fragment that other texts compose into a longer
    sentence ("…: %(reason)s"), so the capital is given where it is shown, not in the catalogue; a text
    in a script without case (Japanese) is unchanged, also when it begins with a name in Latin letters
    ("yamada は…のアカウントではありません"): a text with more Japanese characters than Latin letters is
    Japanese (an English text may quote Japanese examples: "not a date (e.g. 令和7年4月1日)")."""
    if not text[:1].islower() or len(_JAPANESE.findall(text)) > len(_LATIN.findall(text)):
        return text
    return text[:1].upper() + text[1:]


def rendered(text: str | Promise, language: str) -> str:
    """The text in `language` (a lazy text is translated; any other is as it is)."""
    with translation.override(language):
        return str(text)


def stored(text: Promise) -> dict[str, Any]:
    """A lazy text as data to keep (JSON): {"msgid", "context"?, "params"?}, a lazy parameter likewise.

    Only the kinds of lazy text above and gettext_lazy / pgettext_lazy are known: anything else is a
    TypeError, never a text frozen in the language of the moment.
    """
    # A lazy text is a call not made yet; pickling describes it as (function, arguments).
    _unpickle, (function, args, _kw, *_classes) = text.__reduce__()  # type: ignore[misc]
    if function is gettext:
        return {"msgid": args[0]}
    if function is pgettext:
        return {"msgid": args[1], "context": args[0]}
    if function is _interpolate and isinstance(args[0], Promise):
        kept = stored(args[0])
        if "msgid" in kept and "params" not in kept:
            return kept | {"params": {name: _stored_value(value) for name, value in args[1].items()}}
    if function is _either:
        return {"ja": args[0], "en": args[1]}
    raise TypeError(f"a text that cannot be kept to translate later: {function.__qualname__}{args!r}")


def _stored_value(value: Any) -> Any:
    if isinstance(value, Promise):
        return stored(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # e.g. a service (its name), the same in every language


def restored(data: Mapping[str, Any]) -> str | Promise:
    """The lazy text `stored` kept, translated when read."""
    if "msgid" not in data:
        return in_both(data["ja"], data["en"])
    context = data.get("context")
    text = pgettext_lazy(context, data["msgid"]) if context else _(data["msgid"])
    params = data.get("params")
    if not params:
        return text
    return interpolate(text, {name: restored(v) if isinstance(v, dict) else v for name, v in params.items()})


def joined(parts: Iterable[str | Promise], separator: tuple[str, str] = REASONS) -> Promise:
    """Several reasons (or choices) as one text, each translated when read."""
    return _joined_lazy(tuple(parts), separator)  # type: ignore[no-any-return]


# A person's note and the one the system adds are on lines of their own, in either language.
NOTES = ("separator between notes", "\n")


def typed_then_given(typed: str, given: Mapping[str, Any]) -> str | Promise:
    """A note or reason as a person typed it, then the one kumokan gave (`stored`, empty if none) on the
    next line, in the reader's language (a checklist task closed at retirement, an imported row)."""
    if not given:
        return typed
    text = restored(given)
    return joined((typed, text), NOTES) if typed else text


class Spoken(Exception):
    """An error a person reads: one msgid with its parameters, translated when it is read."""

    def __init__(self, message: str | Promise, *, params: Mapping[str, Any] | None = None) -> None:
        self.text: str | Promise = interpolate(message, dict(params)) if params else message
        super().__init__(self.text)

    def __str__(self) -> str:
        return self.message

    def render(self, language: str) -> str:
        return rendered(self.text, language)

    @property
    def message(self) -> str:
        """The message in the active language (Japanese unless English is active)."""
        return str(self.text)

    @property
    def ja(self) -> str:
        return self.render("ja")

    @property
    def en(self) -> str:
        return self.render("en")


class WorkflowError(Spoken):
    """The action is not allowed in the object's current state or with these inputs."""

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = "workflow",
        params: Mapping[str, Any] | None = None,
        details: tuple[WorkflowError, ...] = (),
    ) -> None:
        super().__init__(message, params=params)
        self.code = code
        # The separate reasons when one refusal has several (e.g. everything missing before submit).
        self.details = details


class ConflictError(WorkflowError):
    """Someone else changed the object first: reload and try again."""

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = "conflict",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code=code, params=params)


def check_version(thing: str | Promise, current: int, expected: int | None) -> None:
    """Refuse a change made on another version than the current one (none expected: no check).

    An older version is stale (someone changed the object since it was read); a newer one was never
    there: the caller sent a wrong number, and reloading will not explain that.
    """
    if expected is None or expected == current:
        return
    params = {"thing": thing, "expected": expected, "current": current}
    if expected < current:
        raise ConflictError(
            _("the %(thing)s was changed by someone else (version %(expected)s → %(current)s); reload"),
            code="stale_version",
            params=params,
        )
    raise ConflictError(
        _(
            "the %(thing)s has no version %(expected)s (its version is %(current)s): send the version you read"
        ),
        code="unknown_version",
        params=params,
    )
