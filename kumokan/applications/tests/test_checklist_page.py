"""Step 2 of applying: an answer, a note and evidence per checklist item; explanations of blocking findings."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client

from kumokan.applications.models import Application, ChecklistAnswer, FindingExplanation
from kumokan.applications.tests import factories as f
from kumokan.core.citations import citation

pytestmark = pytest.mark.django_db


def selection_items(application: Any) -> list[dict[str, Any]]:
    return application.judgment.items("selection")


def test_items_are_listed_by_phase_with_their_sources(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    client.force_login(city.applicant)

    page = client.get(f"/applications/{application.pk}/checklist/").content.decode()

    first = selection_items(application)[0]
    assert first["text"] in page
    cited = citation(first["source"])
    assert cited is not None and cited.text in page  # the rules' name and the clause
    assert first["source"]["file"] not in page  # never the seed's file name
    assert 'id="phase-selection"' in page
    assert 'id="phase-termination"' in page


def test_answers_are_saved_through_the_action(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    item = next(i for i in selection_items(application) if i["response"] == "confirm")
    client.force_login(city.applicant)

    response = client.post(
        f"/applications/{application.pk}/checklist/",
        {"version": application.version, f"answer:kobe:{item['id']}": "conforms", "next": "stay"},
    )

    assert response.status_code == 302
    answer = ChecklistAnswer.objects.get(application=application, item_id=item["id"])
    assert answer.answer == "conforms"
    assert answer.answered_by == city.applicant


def test_a_nonconformity_without_a_note_is_refused_on_its_note(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    item = next(i for i in selection_items(application) if i["response"] == "confirm")
    client.force_login(city.applicant)

    response = client.post(
        f"/applications/{application.pk}/checklist/",
        {"version": application.version, f"answer:kobe:{item['id']}": "does_not_conform"},
    )

    assert response.status_code == 200
    assert f"note:kobe:{item['id']}" in response.context["form"].errors
    assert not ChecklistAnswer.objects.exists()


def test_accept_or_mitigate_items_offer_only_accept_and_mitigate(client: Client) -> None:
    city = f.city()
    application = f.draft(city, terms_only=True)
    item = next(i for i in selection_items(application) if i["response"] == "accept_or_mitigate")
    client.force_login(city.applicant)

    form = client.get(f"/applications/{application.pk}/checklist/").context["form"]

    choices = [value for value, _ in form.fields[f"answer:kobe:{item['id']}"].choices]
    assert choices == ["accepted", "mitigated"]


def test_evidence_is_stored_privately_and_served_to_who_may_see_the_application(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    item = selection_items(application)[0]
    client.force_login(city.applicant)
    upload = SimpleUploadedFile("監査報告書.pdf", b"%PDF-1.4 report", content_type="application/pdf")

    client.post(
        f"/applications/{application.pk}/checklist/",
        {
            "version": application.version,
            f"answer:kobe:{item['id']}": "conforms",
            f"evidence:kobe:{item['id']}": upload,
        },
    )

    answer = ChecklistAnswer.objects.get(item_id=item["id"])
    assert answer.evidence_name == "監査報告書.pdf"
    download = client.get(f"/applications/{application.pk}/evidence/{answer.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 report"
    stranger = f.city("osaka").applicant
    client.force_login(stranger)
    assert client.get(f"/applications/{application.pk}/evidence/{answer.pk}/").status_code == 404


def test_blocking_findings_are_explained_on_the_checklist(client: Client) -> None:
    city = f.city()
    application = f.draft(city, required_clauses_present=False)
    blocking = [x for x in application.judgment.findings("block") if x["code"] != "approver_not_configured"]
    assert blocking, "the Kobe pack blocks a high-track use without the required clauses"
    finding = blocking[0]
    client.force_login(city.applicant)

    client.post(
        f"/applications/{application.pk}/checklist/",
        {
            "version": application.version,
            f"explanation:{finding['pack']}:{finding['code']}": "特約で担保する。",
        },
    )

    assert FindingExplanation.objects.get(application=application).explanation == "特約で担保する。"


def test_a_stale_version_is_a_conflict(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    item = selection_items(application)[0]
    read = application.version
    # Someone else saves the application after this page was read.
    Application.objects.filter(pk=application.pk).update(version=F("version") + 1)
    client.force_login(city.applicant)

    response = client.post(
        f"/applications/{application.pk}/checklist/",
        {
            "version": read,
            f"answer:kobe:{item['id']}": "conforms",
        },
    )

    assert response.status_code == 200
    assert "他の人が先に更新しました" in " ".join(response.context["form"].non_field_errors())
    assert not ChecklistAnswer.objects.exists()


def test_another_applicants_checklist_is_not_found(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    colleague = f.member(city.municipality, f.Role.APPLICANT, city.department)
    client.force_login(colleague)

    assert client.get(f"/applications/{application.pk}/checklist/").status_code == 404


def test_someone_who_does_not_apply_is_refused(client: Client) -> None:
    city = f.city()
    application = f.draft(city)
    client.force_login(city.head)

    assert client.get(f"/applications/{application.pk}/checklist/").status_code == 403
