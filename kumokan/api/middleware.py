"""The API's answers are Japanese first and always JSON, also where Django or ninja answer for us."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from kumokan.api.errors import error_response

API_PREFIX = "/api/v1/"


class ApiErrorsMiddleware:
    """Under /api/v1/: run in Japanese (error messages carry English beside it), and turn Django's
    HTML error pages (an unknown URL, a method the path does not take) into the API's JSON errors.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        with translation.override("ja"):
            response = self.get_response(request)
            if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
                "application/json"
            ):
                replacement = error_response(response.status_code)
                if response.has_header("Allow"):
                    replacement["Allow"] = response["Allow"]
                response = replacement
        return response
