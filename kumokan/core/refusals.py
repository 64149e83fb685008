"""A refused action shown to the person who asked: on the form they sent, or as a message.

Views call an action inside one of these blocks instead of writing `except WorkflowError` each time;
after the block, `attempt.refused` says whether to show the form again or report success.

    with refusal_on_form(form, fields={"period": "period_end"}) as attempt:
        entry = actions.update_entry(acting_user=request.user, entry=entry, **form.cleaned_data)
    if not attempt.refused:
        return redirect(entry)

A refusal with several reasons (its details, e.g. everything that stops a submission) shows each
reason on its own line instead of its message, which joins them; `summary=True` shows the message
first, for a refusal whose message says what happened and whose details say why. Where a view
catches other exceptions of the action too, its `except WorkflowError` calls show_on_form or
show_as_messages, the same rule without the block.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext

from kumokan.errors import WorkflowError, as_sentence


@dataclass
class Attempt:
    """What became of the action run in the block: the refusal, or None when it went through."""

    refusal: WorkflowError | None = None

    @property
    def refused(self) -> bool:
        return self.refusal is not None


def reasons(refusal: WorkflowError, *, summary: bool = False) -> list[str]:
    """The lines that tell a person why the action was refused, in the active language, each a sentence."""
    lines = [refusal] if summary or not refusal.details else []
    return [as_sentence(line.message) for line in [*lines, *refusal.details]]


def show_on_form(
    form: BaseForm,
    refusal: WorkflowError,
    field: str | None = None,
    *,
    fields: Mapping[str, str] | None = None,
    summary: bool = False,
) -> None:
    """Show a refusal as an error of `form`: on the field `fields` names for its code, else on `field`
    (None: the whole form)."""
    on = (fields or {}).get(refusal.code, field)
    for line in reasons(refusal, summary=summary):
        form.add_error(on, line)


def show_denial_on_form(form: BaseForm, denial: PermissionDenied) -> None:
    """Show an action's PermissionDenied (the person lacks the role for this object) as an error of the
    whole form: its message, or a general one."""
    form.add_error(None, str(denial) or gettext("You may not do this."))


def show_as_messages(request: HttpRequest, refusal: WorkflowError, *, summary: bool = False) -> None:
    """Show a refusal as error messages on the next page."""
    for line in reasons(refusal, summary=summary):
        messages.error(request, line)


@contextmanager
def refusal_on_form(
    form: BaseForm,
    field: str | None = None,
    *,
    fields: Mapping[str, str] | None = None,
    summary: bool = False,
) -> Iterator[Attempt]:
    """Run the block's action; a refusal is shown on `form` (see show_on_form) and kept in the attempt."""
    attempt = Attempt()
    try:
        yield attempt
    except WorkflowError as exc:
        attempt.refusal = exc
        show_on_form(form, exc, field, fields=fields, summary=summary)


@contextmanager
def refusal_as_message(request: HttpRequest, *, summary: bool = False) -> Iterator[Attempt]:
    """Run the block's action; a refusal is shown as an error message on the next page (the view
    redirects either way) and kept in the attempt."""
    attempt = Attempt()
    try:
        yield attempt
    except WorkflowError as exc:
        attempt.refusal = exc
        show_as_messages(request, exc, summary=summary)
