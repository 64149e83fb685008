"""A ledger file's cell problems are msgids (issue 14 point 6), read word for word as before in both languages."""

from __future__ import annotations

import pytest
from django.utils import translation

from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import check, csv_file, problems, row
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def problem_at(ledger_import, column):
    found = [p for p in problems(ledger_import) if p["row"] == 2 and p["column"] == column]
    assert len(found) == 1, problems(ledger_import)
    return found[0]["ja"], found[0]["en"]


def test_each_cell_problem_reads_in_japanese_and_in_english():
    municipality, admin = empty_city()
    limit = LedgerEntry._meta.get_field("function_name").max_length
    data = csv_file(row(**{"利用目的（業務内容）": "=1+1", "状態": "壊れた", "機能名": "機" * (limit + 1)}))

    ledger_import = check(municipality, admin, data)

    assert problem_at(ledger_import, "利用目的（業務内容）") == (
        "2行目「利用目的（業務内容）」: 「=1+1」は数式として扱われるため取り込めません"
        "（文字として入れるときは先頭に ' を付けてください）。",
        "row 2, column '利用目的（業務内容）': '=1+1' would be a formula in a spreadsheet "
        "(prefix it with ' to keep it as text)",
    )
    with translation.override("ja"):
        labels = "、".join(str(status.label) for status in EntryStatus)
    assert problem_at(ledger_import, "状態") == (
        f"2行目「状態」: 「壊れた」は選べる値ではありません（{labels}）。",
        f"row 2, column '状態': '壊れた' is not one of: {', '.join(EntryStatus.values)}",
    )
    assert problem_at(ledger_import, "機能名") == (
        f"2行目「機能名」: {limit}文字以内にしてください（{limit + 1}文字）。",
        f"row 2, column '機能名': at most {limit} characters ({limit + 1})",
    )


def test_a_cell_problem_is_the_same_whatever_language_the_importer_reads():
    municipality, admin = empty_city()
    data = csv_file(row(**{"利用目的（業務内容）": "=1+1"}))

    with translation.override("en"):
        ledger_import = check(municipality, admin, data)

    assert problem_at(ledger_import, "利用目的（業務内容）")[0].startswith(
        "2行目「利用目的（業務内容）」: 「=1+1」は数式"
    )
