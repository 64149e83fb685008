"""A real HTTP receiver on the loopback address, and the queue run eagerly as in the import jobs' tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kumokan.config import celery_app
from kumokan.webhooks.tests.receiver import Receiver


@pytest.fixture
def eager() -> Iterator[None]:
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    """receiver(500, 200, …): a receiver answering these statuses in turn (then 200)."""
    started: list[Receiver] = []

    def start(*statuses: int, **kwargs: Any) -> Receiver:
        server = Receiver(list(statuses), **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
