"""The notifications page and model read in English when English is chosen, and stay Japanese by default."""

import re

import pytest
from django.test import Client
from django.utils import translation

from kumokan.applications.tests import factories as f
from kumokan.notifications.choices import Verb
from kumokan.notifications.models import Notification

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
BADGES = re.compile(r'<span class="badge">([^<]*)</span>')


def test_the_notifications_page_labels_read_in_english(client: Client) -> None:
    city = f.city()
    f.submitted(city)
    client.force_login(city.security_manager)

    english = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    japanese = client.get("/notifications/").content.decode()

    assert BADGES.findall(english) == ["Review requested"]
    assert BADGES.findall(japanese) == ["審査依頼"]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_verb_and_field_name_has_a_label_in_each_language(language: str) -> None:
    with translation.override(language):
        labels = [str(verb.label) for verb in Verb]
        labels += [str(field.verbose_name) for field in Notification._meta.get_fields() if field.concrete]
        labels += [str(Notification._meta.verbose_name), str(Notification._meta.verbose_name_plural)]

    if language == "en":
        assert [label for label in labels if JAPANESE.search(label)] == []
    else:
        assert [label for label in labels if not JAPANESE.search(label)] == ["ID"]
