"""The API's background job: celery beat forgets Idempotency-Keys past their retention every hour."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from kumokan.api.idempotency import RETENTION
from kumokan.api.models import IdempotentRequest


@shared_task(name="kumokan.api.forget_idempotency_keys", ignore_result=True)
def forget_idempotency_keys() -> int:
    """Delete the keys older than idempotency.RETENTION; the number deleted."""
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - RETENTION).delete()
    return deleted
