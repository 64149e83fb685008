"""A word with several senses has one msgid per sense, and a phase has one name (issue 17 point 3):
the finding severity `info` is 「参考」 / "For the record" (CONTRACT.md: "for the record"), not the note
field's 備考; the task page's section heading is a noun, not the button's 記録する; the phase after
operation is 「更改・廃棄時」 (the seeds' heading: 000 4.5, 001 3.5, 003 3.7) on the service page as on the
rulebook, the application and the printed checklist."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kumokan.applications.tests import factories as f
from kumokan.core.labels import PHASE_LABELS
from kumokan.documents.choices import Phase as PrintedPhase
from kumokan.lifecycle.choices import TaskPhase
from kumokan.lifecycle.models import ChecklistTask
from kumokan.policy.pack import Phase

pytestmark = pytest.mark.django_db


def text(client: Client, path: str, language: str = "ja") -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("language", "severity", "note"), [("ja", "参考", "備考"), ("en", "For the record", "Note")]
)
def test_an_info_finding_is_not_labelled_as_a_note(client: Client, language, severity, note) -> None:
    c = f.city("kobe")
    application = f.draft(c, certifications=[])
    client.force_login(application.applicant)
    page = text(client, application.get_absolute_url(), language)
    badges = re.findall(r'<span class="badge [^"]*">([^<]*)</span> *(?:<[^>]+> *)*([^<]{0,12})', page)
    certification = "認定・認証" if language == "ja" else "No certific"
    labels = {label for label, message in badges if message.startswith(certification)}
    assert labels == {severity}, badges
    assert f">{note}</span>" not in page


@pytest.mark.parametrize(("language", "heading"), [("ja", "確認結果の記録"), ("en", "Record")])
def test_the_task_pages_record_section_is_headed_by_a_noun(client: Client, language, heading) -> None:
    entry = f.entry(f.city("kobe"))
    task = ChecklistTask.objects.filter(entry=entry).first()
    assert task is not None
    client.force_login(entry.service_manager)
    assert f'<h2 id="record-heading">{heading}</h2>' in text(client, f"/lifecycle/tasks/{task.pk}/", language)


def test_every_phase_has_one_name_wherever_it_shows() -> None:
    for phase in Phase:
        label = str(PHASE_LABELS[phase.value])
        assert str(PrintedPhase(phase.value).label) == label
        if phase != Phase.SELECTION:
            assert str(TaskPhase(phase.value).label) == label


@pytest.mark.parametrize(("language", "name"), [("ja", "更改・廃棄時"), ("en", "Renewal and disposal")])
def test_the_service_page_names_the_termination_phase_as_the_rulebook(client: Client, language, name) -> None:
    entry = f.entry(f.city("kobe"))
    client.force_login(entry.service_manager)
    ChecklistTask.objects.filter(entry=entry).update(phase=TaskPhase.TERMINATION)
    page = text(client, f"/lifecycle/entries/{entry.pk}/", language)
    assert f"<summary><strong>{name}</strong>" in page
    assert "<strong>利用終了</strong>" not in page and "<strong>Termination</strong>" not in page
    assert name in text(client, "/rules/kobe/", language)
