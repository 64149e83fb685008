"""The note an import gave an application and its decision reads in both of the API's languages (issue 17),
as the application's page shows it in its reader's: `notes` and `reason` in Japanese, `notes_en` and
`reason_en` in English, whatever the language of the person who imported the ledger."""

import pytest
from django.utils.translation import override

from kumokan.applications.models import Application
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import check, commit, csv_file, row

pytestmark = pytest.mark.django_db

JA = "台帳ファイル「市の台帳.csv」の2行目から取り込みました。"
EN = "Imported from the ledger file 市の台帳.csv, row 2."


@pytest.mark.parametrize("importer_language", ["ja", "en"])
def test_the_imported_note_and_reason_come_in_japanese_and_in_english(api_as, importer_language):
    municipality, admin = empty_city()
    with override(importer_language):
        commit(admin, check(municipality, admin, csv_file(row()), name="市の台帳.csv"))
    application = Application.objects.get(municipality=municipality)

    body = api_as(admin).get(f"/applications/{application.pk}").json()

    assert (body["notes"], body["notes_en"]) == (JA, EN)
    [decision] = body["decisions"]
    assert (decision["reason"], decision["reason_en"]) == (JA, EN)


def test_typed_notes_stay_as_typed_in_both_languages(api_as):
    from kumokan.applications.tests import factories as f

    c = f.city("kobe")
    application = f.draft(c)
    application.notes = "庁内ネットワークからのみ利用する"
    application.save(update_fields=["notes"])

    body = api_as(c.applicant).get(f"/applications/{application.pk}").json()

    assert body["notes"] == body["notes_en"] == "庁内ネットワークからのみ利用する"
