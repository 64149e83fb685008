"""A problem of a ledger file, shown on its own line of the check's table, reads as a sentence in English
(issue 17 point 3; kumokan.errors.as_sentence): 「Row 3, column …」, not 「row 3, column …」; the
Japanese is unchanged."""

import re

import pytest

from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import check, csv_file, row

pytestmark = pytest.mark.django_db


def cells(html: str) -> str:
    table = re.search(r'<table class="problems">.*?</table>', html, flags=re.S)
    assert table, html
    return table.group(0)


def test_a_problem_reads_as_a_sentence_in_english_and_unchanged_in_japanese(client):
    municipality, admin = empty_city()
    bad = row(**{"利用開始日": "来週", "クラウドサービスの名称": "別"})
    ledger_import = check(municipality, admin, csv_file(row(), bad))
    problem = ledger_import.report["problems"][0]
    assert problem["en"].startswith("row 3, column")  # as kept: a fragment
    client.force_login(admin)
    path = f"/documents/ledger/imports/{ledger_import.pk}/"
    english = cells(client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "<td>Row 3, column" in english
    assert "row 3, column" not in english
    japanese = cells(client.get(path, HTTP_ACCEPT_LANGUAGE="ja").content.decode())
    assert f"<td>{problem['ja']}<br>" in japanese
    assert '<span lang="en" class="muted">Row 3, column' in japanese
