"""The notifications page: one's own notifications, marked read one by one or all at once."""

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_page_lists_my_notifications_only(client: Client) -> None:
    city = f.city()
    f.submitted(city)  # the approvers are told
    client.force_login(city.security_manager)

    response = client.get("/notifications/")

    assert response.status_code == 200
    assert [n.user for n in response.context["page"].object_list] == [city.security_manager]


def test_marking_one_read(client: Client) -> None:
    city = f.city()
    f.submitted(city)
    notification = Notification.objects.get(user=city.security_manager)
    client.force_login(city.security_manager)

    response = client.post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_htmx_gets_the_item_back_marked_read(client: Client) -> None:
    city = f.city()
    f.submitted(city)
    notification = Notification.objects.get(user=city.security_manager)
    client.force_login(city.security_manager)

    response = client.post(f"/notifications/{notification.pk}/read/", HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert f'id="notification-{notification.pk}"' in page
    assert "notification--unread" not in page


def test_marking_all_read(client: Client) -> None:
    city = f.city()
    f.submitted(city)
    f.submitted(city, service_name="Web会議サービス")
    client.force_login(city.security_manager)

    client.post("/notifications/read-all/")

    assert not Notification.objects.filter(user=city.security_manager, read_at__isnull=True).exists()


def test_another_persons_notification_is_not_found(client: Client) -> None:
    city = f.city()
    f.submitted(city)
    notification = Notification.objects.get(user=city.security_manager)
    client.force_login(city.chief)

    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_get_on_mark_read_is_refused(client: Client) -> None:
    city = f.city()
    client.force_login(city.chief)

    assert client.get("/notifications/read-all/").status_code == 405
