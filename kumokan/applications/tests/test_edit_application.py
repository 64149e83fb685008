"""Changing the facts of a draft: judged again, versioned, and closed once submitted."""

import pytest
from django.db.models import F
from django.test import Client

from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f
from kumokan.applications.tests.test_new_application_page import form_data

pytestmark = pytest.mark.django_db


def test_changing_the_classification_judges_again(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    client.force_login(city.applicant)

    data = form_data(city, confidentiality="1", version=application.version, next="stay")
    del data["department"]
    response = client.post(f"/applications/{application.pk}/edit/", data)

    assert response.status_code == 302
    application = f.fresh(application)
    assert application.facts["confidentiality"] == "1"
    assert application.judgment.track == "low"


def test_a_stale_version_is_a_conflict(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    read = application.version
    # Someone else saves the application after this page was read.
    Application.objects.filter(pk=application.pk).update(version=F("version") + 1)
    client.force_login(city.applicant)

    response = client.post(
        f"/applications/{application.pk}/edit/",
        form_data(city, purpose="別の目的", version=read),
    )

    assert response.status_code == 200
    assert "他の人が先に更新しました" in " ".join(response.context["form"].non_field_errors())
    assert f.fresh(application).facts["purpose"] != "別の目的"


def test_a_submitted_application_is_not_edited(client: Client) -> None:
    city = f.city()
    application = f.submitted(city)
    client.force_login(city.applicant)

    response = client.get(f"/applications/{application.pk}/edit/")

    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/"
