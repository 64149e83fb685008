"""The receiver's example in docs/webhooks.md, run as a city would run it, on a real delivery."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.webhooks.tests.support import subscribe

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


def documented_verify() -> Any:
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 (our own documentation's example)
    return namespace["verify"]


def test_the_documented_check_accepts_kumokans_request_and_refuses_a_changed_or_old_one(
    receiver, eager, django_capture_on_commit_callbacks
):
    verify = documented_verify()
    c = f.city("kobe")
    city_system = receiver()
    _subscription, secret = subscribe(c, city_system.url)
    with django_capture_on_commit_callbacks(execute=True):
        application = f.decided(c, Outcome.APPROVED)
    [request] = city_system.requests

    event = verify(secret, request["headers"], request["body"])
    assert event["data"]["application"]["id"] == application.pk

    with pytest.raises(ValueError, match="signature"):
        verify(secret, request["headers"], request["body"].replace(b"approved", b"rejected", 1))
    with pytest.raises(ValueError, match="signature"):
        verify("whsec_someone-else", request["headers"], request["body"])
    sent_at = int(request["headers"]["Kumokan-Timestamp"])
    with pytest.raises(ValueError, match="timestamp"):
        verify(secret, request["headers"], request["body"], now=sent_at + 301)
