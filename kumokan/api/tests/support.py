"""A JSON client with a token, and the check that an answer is the API's JSON error."""

from __future__ import annotations

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
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

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
