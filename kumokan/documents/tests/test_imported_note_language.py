"""The note an import gives each application it writes and its decision (「台帳ファイル「…」のN行目から取り込み
ました。」) is kept as its msgid with the file's name and row, so each reader sees it in their language
(issue 17 point 3), whatever the importer's language was: the application's page, its API and the
printed application form."""

import pytest
from django.utils.translation import override

from kumokan.applications.models import Application, Decision
from kumokan.documents.printed import printed_forms
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import check, commit, csv_file, row
from kumokan.errors import rendered

pytestmark = pytest.mark.django_db

JA = "台帳ファイル「市の台帳.csv」の2行目から取り込みました。"
EN = "Imported from the ledger file 市の台帳.csv, row 2."
KEPT = {
    "msgid": "Imported from the ledger file %(name)s, row %(row)d.",
    "params": {"name": "市の台帳.csv", "row": 2},
}


@pytest.fixture(params=["ja", "en"])
def imported(request):
    """An application imported by an administrator reading kumokan in Japanese, or in English."""
    municipality, admin = empty_city()
    with override(request.param):
        commit(admin, check(municipality, admin, csv_file(row()), name="市の台帳.csv"))
    return admin, Application.objects.get(municipality=municipality)


def test_the_note_is_kept_as_its_msgid_not_as_text(imported):
    _admin, application = imported
    decision = Decision.objects.get(application=application)
    assert (application.notes, application.system_note) == ("", KEPT)
    assert (decision.reason, decision.system_reason) == ("", KEPT)
    for text in (application.notes_text, decision.reason_text):
        assert (rendered(text, "ja"), rendered(text, "en")) == (JA, EN)


def test_the_application_page_shows_the_note_in_the_readers_language(client, imported):
    admin, application = imported
    client.force_login(admin)
    japanese = client.get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    english = client.get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The notes and the decision's reason.
    assert japanese.count(JA) == 2 and EN not in japanese
    assert english.count(EN) == 2 and JA not in english


def test_the_printed_form_shows_the_note_in_its_language(imported):
    _admin, application = imported
    for language, text in (("ja", JA), ("en", EN)):
        with override(language):
            form = printed_forms(application)[0]
            assert text in [field.value for field in form.fields]
            assert form.decision.reason == text
