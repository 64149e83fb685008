import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.mark.django_db
def test_home_sends_anonymous_visitors_to_login(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


@pytest.mark.django_db
def test_home_greets_the_logged_in_user(client: Client) -> None:
    client.force_login(User.objects.create_user("suzuki", first_name="花子", last_name="鈴木"))

    response = client.get("/")

    assert response.status_code == 200
    assert "さんとしてログインしています" in response.content.decode()
    assert "鈴木" in response.content.decode()
