import pytest
from django.db import OperationalError
from django.test import Client

from kumokan.core import views


@pytest.mark.django_db
def test_healthz_answers_ok_without_login(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


class UnreachableDatabase:
    def cursor(self) -> None:
        raise OperationalError("connection refused")


def test_healthz_fails_when_the_database_is_unreachable(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(views, "connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503


@pytest.mark.django_db
def test_healthz_refuses_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
