"""Webhook deliveries on the Celery queue; celery beat sweeps up every delivery that is due.

A delivery is queued once its event's transaction commits (kumokan.webhooks.events); a failed
attempt queues the next one after its delay. The sweep sends what the queue never got (it was down)
or lost, so a delivery waits in the database, never only in the queue.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from kumokan.webhooks.choices import DeliveryStatus
from kumokan.webhooks.models import Delivery
from kumokan.webhooks.sending import attempt, retry_delay


@shared_task(name="kumokan.webhooks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> str | None:
    """One attempt at one delivery (nothing if it is not due, or another worker has it)."""
    status = attempt(delivery_id)
    if status == DeliveryStatus.PENDING:
        delivery = Delivery.objects.get(pk=delivery_id)
        deliver.apply_async((delivery_id,), countdown=retry_delay(delivery))
    return status


@shared_task(name="kumokan.webhooks.send_due_deliveries", ignore_result=True)
def send_due_deliveries() -> int:
    """Queue every delivery whose attempt is due; the number queued."""
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
    ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:1000])
    for pk in ids:
        deliver.delay(pk)
    return len(ids)
