"""Every API error as one JSON shape: {"code", "message" (Japanese), "message_en", "details"}."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from kumokan.api.renderers import json_response
from kumokan.errors import ConflictError, Spoken, WorkflowError, as_sentence
from kumokan.policy import PolicyError

logger = logging.getLogger("kumokan.api")

# What each status means when nothing more specific is known (Django's and ninja's own refusals).
STATUS_ERRORS: dict[int, tuple[str, Promise]] = {
    400: ("bad_request", _("The request is not valid.")),
    401: ("unauthenticated", _("Send a valid API token in the header 'Authorization: Bearer <token>'.")),
    403: ("forbidden", _("You do not have permission to do this.")),
    404: ("not_found", _("There is no such resource, or you may not see it.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    409: ("conflict", _("Someone else changed this first: reload it and try again.")),
    413: ("too_large", _("The request is too large.")),
    422: ("invalid_input", _("The input is not valid.")),
    429: (
        "too_many_requests",
        _("Too many requests: wait the seconds given in Retry-After, then try again."),
    ),
    500: ("server_error", _("An unexpected error occurred. It has been logged.")),
}

# Pydantic's error types, in words a person can act on.
VALIDATION_MESSAGES: dict[str, Promise] = {
    "missing": _("Required."),
    "extra_forbidden": _("This field is not allowed."),
    "string_type": _("Give a string."),
    "string_too_short": _("This must not be empty."),
    "blank": _("This must not be empty."),
    "string_too_long": _("This text is too long."),
    "string_pattern_mismatch": _("This text is not in the expected form."),
    "int_type": _("Give an integer."),
    "int_parsing": _("Give an integer."),
    "int_from_float": _("Give an integer."),
    "greater_than": _("This number is too small."),
    "greater_than_equal": _("This number is too small."),
    "less_than": _("This number is too large."),
    "less_than_equal": _("This number is too large."),
    "bool_type": _("Give true or false."),
    "bool_parsing": _("Give true or false."),
    "enum": _("Give one of the allowed values."),
    "literal_error": _("Give one of the allowed values."),
    "date_type": _("Give a date as YYYY-MM-DD."),
    "date_parsing": _("Give a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Give a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": _("Give a date as YYYY-MM-DD."),
    "dict_type": _("Give a JSON object."),
    "model_type": _("Give a JSON object."),
    "model_attributes_type": _("Give a JSON object."),
    "list_type": _("Give an array."),
    "too_long": _("Too many values."),
    "json_invalid": _("The request body is not valid JSON."),
    "unstorable_text": _("Text may not contain NUL or unpaired surrogate characters."),
}
OTHER_VALIDATION_MESSAGE = _("This value is not valid.")


class InvalidInput(Spoken):
    """One input value the API cannot use (422), named by its field: a msgid with its parameters."""

    def __init__(
        self, message: str | Promise, *, field: str, params: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, params=params)
        self.field = field


def both(message: Promise | str) -> tuple[str, str]:
    """The message in Japanese and in English (a lazy message is translated into each)."""
    with translation.override("ja"):
        ja = str(message)
    with translation.override("en"):
        en = str(message)
    return ja, en


def detail(field: str, ja: str, en: str) -> dict[str, str]:
    return {"field": field, "message": ja, "message_en": as_sentence(en)}


def error_body(code: str, ja: str, en: str, details: Iterable[dict[str, str]] = ()) -> dict[str, Any]:
    """The error's JSON; its English message, shown on its own, reads as a sentence (as_sentence)."""
    return {"code": code, "message": ja, "message_en": as_sentence(en), "details": list(details)}


def error_response(
    status: int,
    code: str | None = None,
    message: Promise | str | None = None,
    details: Iterable[dict[str, str]] = (),
) -> HttpResponse:
    """A JSON error response; code and message default to the status's general meaning."""
    default_code, default_message = STATUS_ERRORS.get(status, STATUS_ERRORS[400 if status < 500 else 500])
    ja, en = both(message if message is not None else default_message)
    return json_error(status, code or default_code, ja, en, details)


def json_error(
    status: int, code: str, ja: str, en: str, details: Iterable[dict[str, str]] = ()
) -> HttpResponse:
    response = json_response(error_body(code, ja, en, details), status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="kumokan"'
    return response


def _field(loc: Iterable[Any]) -> str:
    # ninja puts the source first ("body", "query", "path") and then the parameter's own name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "header", "cookie"):
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts)


def validation_details(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    details = []
    for error in errors:
        ja, _en = both(VALIDATION_MESSAGES.get(error.get("type", ""), OTHER_VALIDATION_MESSAGE))
        details.append(detail(_field(error.get("loc", ())), ja, str(error.get("msg", ""))))
    return details


def install(api: NinjaAPI) -> None:
    """Replace ninja's default error handlers with ours."""

    def on_authentication(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(401)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # ninja raises this one only when the body is not JSON.
            return error_response(400, "invalid_json", VALIDATION_MESSAGES["json_invalid"])
        return error_response(exc.status_code)

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(422, details=validation_details(exc.errors))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(404)

    def on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Actions raise PermissionDenied with a gettext message; the API runs in Japanese.
        message = str(exc)
        if not message:
            return error_response(403)
        _ja, en = both(STATUS_ERRORS[403][1])
        return json_error(403, "forbidden", message, en)

    def on_workflow(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
        status = 409 if isinstance(exc, ConflictError) else 400
        # One refusal may have several reasons (e.g. all that stops a submission), each with its code.
        details = [detail("", reason.ja, reason.en) | {"code": reason.code} for reason in exc.details]
        return json_error(status, exc.code, exc.ja, exc.en, details)

    def on_invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return error_response(422, details=[detail(exc.field, exc.ja, exc.en)])

    def on_policy(request: HttpRequest, exc: PolicyError) -> HttpResponse:
        ja, en = both(_("The facts are not valid for this municipality's rules."))
        details = [detail(p.where, p.ja, p.en) for p in exc.problems]
        return json_error(422, "invalid_facts", ja, en, details)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        details = []
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                details += [detail(field, message, message) for message in errors]
        else:
            details = [detail("", message, message) for message in exc.messages]
        return error_response(422, details=details)

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(413)

    def on_suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(400)

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unexpected error in %s %s", request.method, request.path, exc_info=exc)
        return error_response(500)

    handlers: list[tuple[type[Exception], Any]] = [
        (AuthenticationError, on_authentication),
        (HttpError, on_http_error),
        (NinjaValidationError, on_validation),
        (Http404, on_not_found),
        (ObjectDoesNotExist, on_not_found),
        (PermissionDenied, on_permission_denied),
        (WorkflowError, on_workflow),
        (InvalidInput, on_invalid_input),
        (PolicyError, on_policy),
        (DjangoValidationError, on_django_validation),
        (RequestDataTooBig, on_too_big),
        (SuspiciousOperation, on_suspicious),
        (Exception, on_unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
