"""A JSON client with a token, and the check that an answer is the API's JSON error.

Every error the client receives is checked against the OpenAPI document: its status must be one the
operation documents and its `code` one of that status's `x-error-codes` (kumokan.api.codes), so each
API test also proves that the server answers no code the document does not list.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.test import Client


class ApiClient:
    """A test client that sends one user's token and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        elif params:
            kwargs["data"] = params
        response = getattr(self.client, method)(f"/api/v1{path}", **kwargs)
        assert_documented(method, f"/api/v1{path}", response)
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.request("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("post", path, {} if body is None else body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("patch", path, body)


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the API's JSON error with this status (and code)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "message_en", "details"}
    assert body["message"] and body["message_en"]
    if code is not None:
        assert body["code"] == code
    return body


@functools.cache
def _operations() -> list[tuple[str, re.Pattern[str], dict[str, Any]]]:
    """(method, path pattern, operation) of every operation in the served document."""
    document = Client().get("/api/v1/openapi.json").json()
    found = []
    for template, methods in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in methods.items():
            found.append((method, pattern, operation))
    return found


def assert_documented(method: str, path: str, response: Any) -> None:
    """An error answer has a status and a code the operation's documentation lists."""
    status = response.status_code
    if not 400 <= status < 500 or not response["Content-Type"].startswith("application/json"):
        return
    path = path.split("?", 1)[0]
    matches = [(p.pattern.count("[^/]+"), op) for m, p, op in _operations() if m == method and p.match(path)]
    if not matches:
        return  # no such operation: the router's own 404/405
    operation = min(matches, key=lambda match: match[0])[1]  # a literal path before a template
    documented = operation["responses"].get(str(status))
    assert documented is not None, f"{operation['operationId']} answered {status}, which it does not document"
    code = response.json().get("code")
    assert code in documented["x-error-codes"], (
        f"{operation['operationId']} answered {status} {code!r}; documented: {documented['x-error-codes']}"
    )
