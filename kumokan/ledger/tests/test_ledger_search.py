"""The ledger search: a substring of any length in any searched column, from an index kept current by
every write (kumokan/ledger/search.py), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kumokan.applications.tests import factories as f
from kumokan.ledger import actions
from kumokan.ledger.models import LedgerEntry
from kumokan.ledger.search import matching
from kumokan.ledger.tests.listing import copies

pytestmark = pytest.mark.django_db


def found(client: Client, text: str) -> list[str]:
    response = client.get("/ledger/", {"q": text})
    assert response.status_code == 200
    return sorted(entry.service_name for entry in response.context["page"].object_list)


@pytest.fixture
def city(client: Client) -> f.City:
    city = f.city()
    first = f.entry(city)  # 電子申請サービス / 株式会社クラウド自治 / 市民からの各種申請の受付
    copies(
        first, ["Web会議"], function_name="SaaS版", provider_name="議事録AB株式会社", purpose="庁内の打合せ"
    )
    client.force_login(city.chief)
    return city


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("議", ["Web会議"]),  # one character, at a column's end and inside another
        ("会議", ["Web会議"]),  # two, at the end of the service name
        ("申請", ["電子申請サービス"]),  # two, in the service name and the purpose
        ("打合せ", ["Web会議"]),  # three, the whole end of the purpose
        ("クラウド自治", ["電子申請サービス"]),  # longer, the provider
        ("版", ["Web会議"]),  # the function name
        ("サ", ["電子申請サービス"]),
        ("株式会社", ["Web会議", "電子申請サービス"]),
    ],
)
def test_search_finds_terms_of_any_length_in_any_column(
    client: Client, city: f.City, text: str, names: list[str]
) -> None:
    assert found(client, text) == names


@pytest.mark.parametrize("text", ["web会議", "WEB", "saas版", "s", "Ab"])
def test_latin_letters_match_either_case(client: Client, city: f.City, text: str) -> None:
    assert found(client, text) == ["Web会議"]


def test_full_width_letters_do_not_match_half_width_ones(client: Client, city: f.City) -> None:
    assert found(client, "Ｗｅｂ") == []


def test_a_match_does_not_run_from_one_column_into_the_next(client: Client, city: f.City) -> None:
    # "Web会議" then "SaaS版": 議S spans the service and the function name.
    assert found(client, "議S") == []
    assert found(client, "議SaaS") == []


@pytest.mark.parametrize("text", ['"', 'a"b', "AND", "*", "NEAR(", "%", "_", "a\x1fb"])
def test_search_syntax_in_the_term_is_taken_literally(client: Client, city: f.City, text: str) -> None:
    assert found(client, text) == []


def test_an_edit_is_found_by_its_new_text_and_not_by_the_old(client: Client, city: f.City) -> None:
    entry = LedgerEntry.objects.get(service_name="電子申請サービス")
    actions.edit_entry(
        acting_user=city.administrator,
        entry=entry,
        changes={"purpose": "議会中継の配信"},
        reason="目的の変更",
        expected_version=entry.version,
    )

    assert found(client, "各種") == []
    assert found(client, "中継") == ["電子申請サービス"]
    assert found(client, "議") == ["Web会議", "電子申請サービス"]


def test_rows_written_around_the_model_are_found(client: Client, city: f.City) -> None:
    # Bulk writes (the import's bulk_create, QuerySet.update, the generator's raw SQL) never call save().
    LedgerEntry.objects.filter(service_name="Web会議").update(
        service_name="オンライン会議", provider_name="X"
    )
    assert found(client, "Web") == []
    assert found(client, "ンラ") == ["オンライン会議"]
    copy = LedgerEntry.objects.get(service_name="オンライン会議")
    application = copy.application
    application.pk = None
    application.save()
    copy.pk, copy.application, copy.service_name = None, application, "電子入札"
    LedgerEntry.objects.bulk_create([copy])

    assert found(client, "入札") == ["電子入札"]


@pytest.mark.parametrize("text", ["議", "会議", "打合せ"])
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's full-text index")
def test_sqlite_answers_the_search_from_its_full_text_index(client: Client, city: f.City, text: str) -> None:
    with CaptureQueriesContext(connection) as captured:
        client.get("/ledger/", {"q": text})
    statements = [query["sql"] for query in captured.captured_queries]

    assert any("MATCH" in sql and "ledger_entry_search" in sql for sql in statements)
    assert not any("LIKE" in sql for sql in statements)


@pytest.mark.parametrize(("text", "index"), [("会議", "ledger_entry_search_bigrams"), ("打合せ", "_trgm")])
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_postgresql_can_answer_the_search_from_an_index(text: str, index: str) -> None:
    sql, params = matching(LedgerEntry.objects.all(), text).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database is too small for an index to pay; forbid the other ways to ask whether one
        # could answer. The trigram indexes need a LC_CTYPE that knows Japanese letters (lib.sh, pg_start).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT show_trgm(%s)", [text])
        trigrams = cursor.fetchone()[0]

    assert index in plan, plan
    assert trigrams, "pg_trgm sees no letters in Japanese: the database's LC_CTYPE is C"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's full-text triggers")
def test_a_rebuilt_table_gets_its_triggers_back_after_migrate(client: Client, city: f.City) -> None:
    from kumokan.ledger.search import repair_sqlite_index

    assert repair_sqlite_index() is False  # intact: nothing to do
    with connection.cursor() as cursor:
        # What Django's SQLite table rebuild does to them: gone, and writes go unindexed.
        cursor.execute("DROP TRIGGER ledger_entry_search_update")
        cursor.execute("DROP TRIGGER ledger_entry_search_insert")
    LedgerEntry.objects.filter(service_name="Web会議").update(service_name="遠隔打合せ")
    assert found(client, "遠隔") == []

    assert repair_sqlite_index() is True
    assert found(client, "遠隔") == ["遠隔打合せ"]
    assert found(client, "Web会議") == []
    LedgerEntry.objects.filter(service_name="遠隔打合せ").update(service_name="映像会議")
    assert found(client, "映像") == ["映像会議"]
