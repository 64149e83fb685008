"""Sending one delivery: sign the payload, POST it to the checked address, record the attempt.

The signature (header Kumokan-Signature, `v1=` and hex) is HMAC-SHA256 with the subscription's secret
over `<timestamp>.<body>`, the timestamp (Kumokan-Timestamp, Unix seconds) sent beside it, so a
receiver can refuse an old request replayed (docs/webhooks.md). A failed attempt is tried again after
the next of WEBHOOK_RETRY_DELAYS; after the last the delivery has failed, and after
WEBHOOK_DISABLE_AFTER failed attempts in a row the subscription is turned off.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kumokan.errors import WorkflowError
from kumokan.webhooks.actions import disable_failing
from kumokan.webhooks.choices import DeliveryStatus
from kumokan.webhooks.destinations import Destination, check_url
from kumokan.webhooks.models import Delivery

# While one worker sends a delivery, no other takes it: its next attempt is moved this far ahead
# (more than a request's timeout) until the attempt's result is written.
CLAIM_SECONDS = 300
USER_AGENT = "kumokan-webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Kumokan-Signature header's value for `body` sent at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to by then."""

    def __init__(self, destination: Destination, address: str, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS verified against the URL's host name."""

    def __init__(self, destination: Destination, address: str, timeout: float) -> None:
        super().__init__(
            destination.host, destination.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = address

    def connect(self) -> None:
        # Set before the handshake too, so that the attempt's deadline can cut a handshake that drags.
        self.sock = sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST `body` to `url` (checked again, redirects not followed): (HTTP status or None, error or "")."""
    try:
        destination = check_url(url)
    except WorkflowError as exc:
        return None, exc.en
    kind = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    connection = kind(destination, str(destination.addresses[0]), timeout)
    # The socket's timeout bounds each read only: a receiver answering a byte at a time would hold the
    # worker (and every city's deliveries queued behind it) for hours. The whole attempt gets twice it.
    expired = threading.Event()
    deadline = threading.Timer(2 * timeout, _cut, (connection, expired))
    deadline.start()
    status: int | None = None
    try:
        connection.request("POST", destination.target, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        answer = response.read(300).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    else:
        error = ""
    finally:
        deadline.cancel()
        connection.close()
    if expired.is_set():
        return None, f"no complete answer within {2 * timeout} seconds"
    if error or status is None:
        return None, error
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status} {answer}".strip()[:500]


def _cut(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    """End an attempt past its deadline: a read blocked on the socket returns at once."""
    expired.set()
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def request_of(delivery: Delivery, timestamp: int) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt."""
    event = delivery.event
    body = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Kumokan-Event-Id": str(event.uuid),
        "Kumokan-Event-Type": event.event_type,
        "Kumokan-Timestamp": str(timestamp),
        "Kumokan-Signature": signature(delivery.subscription.secret, timestamp, body),
    }
    return body, headers


def attempt(delivery_id: int) -> str | None:
    """Send the delivery if it is due and nobody else is sending it; its status afterwards, or None."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("event", "subscription")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        if not delivery.subscription.active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = "the subscription is turned off"
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return delivery.status
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + datetime.timedelta(seconds=CLAIM_SECONDS)
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    body, headers = request_of(delivery, int(time.time()))
    status, error = post(delivery.subscription.url, body, headers)
    return _record(delivery, status, error)


def _record(delivery: Delivery, status: int | None, error: str) -> str:
    """Write the attempt's result: delivered, or the next attempt, or failed (and maybe turn it off)."""
    now = timezone.now()
    delays: list[int] = list(settings.WEBHOOK_RETRY_DELAYS)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("subscription").get(pk=delivery.pk)
        locked.last_status_code = status
        locked.last_error = error
        subscription = locked.subscription
        if not error:
            locked.status = DeliveryStatus.DELIVERED
            locked.delivered_at = now
            locked.next_attempt_at = None
            if subscription.consecutive_failures:
                subscription.consecutive_failures = 0
                subscription.save(update_fields=["consecutive_failures"])
        else:
            if locked.attempts <= len(delays):
                locked.next_attempt_at = now + datetime.timedelta(seconds=delays[locked.attempts - 1])
            else:
                locked.status = DeliveryStatus.FAILED
                locked.next_attempt_at = None
            disable_failing(subscription, error)
        locked.save(
            update_fields=["status", "last_status_code", "last_error", "delivered_at", "next_attempt_at"]
        )
    return locked.status


def retry_delay(delivery: Any) -> float | None:
    """Seconds until the delivery's next attempt, or None if it has none."""
    if delivery.status != DeliveryStatus.PENDING or delivery.next_attempt_at is None:
        return None
    return max(0.0, (delivery.next_attempt_at - timezone.now()).total_seconds())
