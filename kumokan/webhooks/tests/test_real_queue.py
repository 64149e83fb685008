"""A decision's webhook goes through Redis to a real Celery worker, which signs and sends it to the
receiver (the worker and Redis as scripts/test starts them; PostgreSQL pass only, as test_queue)."""

from __future__ import annotations

import subprocess
import time

import pytest

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.config import celery_app
from kumokan.lifecycle.tests.test_queue import REDIS_URL, worker  # noqa: F401 (the fixture)
from kumokan.webhooks.choices import DeliveryStatus
from kumokan.webhooks.models import Delivery
from kumokan.webhooks.tests.support import subscribe, verified

pytestmark = [
    pytest.mark.skipif(
        not REDIS_URL, reason="needs the Redis that scripts/test starts (KUMOKAN_TEST_REDIS_URL)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_real_worker_delivers_the_approval_signed(worker: subprocess.Popen[bytes], receiver) -> None:  # noqa: F811
    c = f.city("kobe")
    city_system = receiver()
    _subscription, secret = subscribe(c, city_system.url)
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = REDIS_URL  # this process queues on the worker's Redis
    try:
        application = f.decided(c, Outcome.APPROVED)  # commits: the delivery is queued
    finally:
        celery_app.conf.broker_url = previous
    deadline = time.monotonic() + 90
    while not city_system.requests and time.monotonic() < deadline:
        time.sleep(0.5)
    [request] = city_system.requests
    assert verified(request, secret)["data"]["application"]["id"] == application.pk
    deadline = time.monotonic() + 10
    while Delivery.objects.get().status != DeliveryStatus.DELIVERED and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED
