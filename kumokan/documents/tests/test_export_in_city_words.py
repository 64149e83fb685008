"""The ledger export heads its columns in the city's own words, and the import reads them back (issue 17
point 1): Kobe's rules say 外部サービス and 情報システム台帳, so its file does too; English stays English."""

import csv
import io

import pytest
from openpyxl import load_workbook

from kumokan.documents.choices import ImportStatus
from kumokan.documents.tests.exchange import CITIES, body, city_with_ledger, download, empty_city, xlsx_rows
from kumokan.documents.tests.test_ledger_import import check, commit, managers_left_unassigned, problems
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

# The columns naming what a city may have its own word for, as each pack words them (tenancy.vocabulary).
GENERIC_JA = [
    "クラウドサービスの名称",
    "クラウドサービス提供者",
    "クラウドサービス管理者の所属",
    "クラウドサービス管理者の補職名",
    "クラウドサービス管理者の氏名",
]
KOBE_JA = [
    "外部サービスの名称",
    "外部サービス提供者",
    "外部サービス管理者の所属",
    "外部サービス管理者の補職名",
    "外部サービス管理者の氏名",
]
WORDED_JA = {"kitakyushu": GENERIC_JA, "kobe": KOBE_JA, "amagasaki": GENERIC_JA, "osaka": GENERIC_JA}
SHEET_JA = {"kitakyushu": "台帳", "kobe": "情報システム台帳", "amagasaki": "台帳", "osaka": "台帳"}
WORDED_KEYS = [
    "service_name",
    "provider_name",
    "service_manager_department_name",
    "service_manager_title",
    "service_manager_name",
]
WORDED_EN = [
    "Cloud service",
    "Cloud service provider",
    "Service manager's department",
    "Service manager's title",
    "Service manager's name",
]


def english(client):
    client.cookies["django_language"] = "en"
    return client


def workbook(data):
    return load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("slug", CITIES)
def test_the_xlsx_header_and_sheet_speak_the_citys_words(client, slug):
    c, _entries = city_with_ledger(slug)
    response = download(client, c.administrator, c.municipality, "xlsx")
    book = workbook(body(response))
    header = [cell.value for cell in book.active[1]]
    print(slug, book.active.title, header)
    assert book.active.title == SHEET_JA[slug]
    assert [h for h in header if h in WORDED_JA[slug]] == WORDED_JA[slug]
    assert response.filename.startswith(f"{SHEET_JA[slug]}_{slug}_")
    if slug == "kobe":
        assert not [h for h in header if "クラウドサービス" in h]


@pytest.mark.parametrize("slug", CITIES)
def test_the_english_header_stays_english(client, slug):
    c, _entries = city_with_ledger(slug)
    data = body(download(english(client), c.administrator, c.municipality, "xlsx"))
    header = [cell.value for cell in workbook(data).active[1]]
    print(slug, header)
    assert [h for h in header if h in WORDED_EN] == WORDED_EN
    assert header[:3] == ["Department", "Cloud service", "Function"]
    assert workbook(data).active.title == "Ledger"


def test_kobes_csv_speaks_kobes_words(client):
    c, _entries = city_with_ledger("kobe")
    text = body(download(client, c.administrator, c.municipality, "csv")).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:4] == ["所属", "外部サービスの名称", "機能名", "外部サービス提供者"]
    assert "クラウドサービス" not in text.splitlines()[0]


@pytest.mark.parametrize("slug", CITIES)
@pytest.mark.parametrize(("language", "fmt"), [("ja", "xlsx"), ("en", "csv")])
def test_each_citys_export_imports_into_an_empty_copy_and_exports_the_same(client, slug, language, fmt):
    if language == "en":
        english(client)
    c, entries = city_with_ledger(slug)
    first = body(download(client, c.administrator, c.municipality, fmt))
    municipality, admin = empty_city(f"{slug}-copy", pack_id=slug)
    ledger_import = managers_left_unassigned(admin, check(municipality, admin, first, name=f"台帳.{fmt}"))
    assert ledger_import.status == ImportStatus.CHECKED, problems(ledger_import)
    commit(admin, ledger_import)
    assert LedgerEntry.objects.filter(municipality=municipality).count() == len(entries)
    again = body(download(client, admin, municipality, fmt))
    if fmt == "csv":
        assert again == first
    else:
        assert xlsx_rows(again) == xlsx_rows(first)


def relabelled(data, labels):
    """The xlsx export with its header row rewritten as `labels` (old label -> label)."""
    book = workbook(data)
    for cell in book.active[1]:
        cell.value = labels.get(cell.value, cell.value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "labels",
    [
        # Kobe's file as exported before the city's words: the product's words.
        dict(zip(KOBE_JA, GENERIC_JA, strict=True)),
        # The English headers of that time ("Provider" was the provider's).
        {**dict(zip(KOBE_JA, WORDED_EN, strict=True)), "外部サービス提供者": "Provider"},
        # The English headers of now.
        dict(zip(KOBE_JA, WORDED_EN, strict=True)),
    ],
    ids=["generic-ja", "old-en", "en"],
)
def test_kobe_reads_a_file_headed_in_the_products_words_or_in_english(client, labels):
    c, _entries = city_with_ledger("kobe")
    first = body(download(client, c.administrator, c.municipality, "xlsx"))
    municipality, admin = empty_city()
    data = relabelled(first, labels)
    ledger_import = managers_left_unassigned(admin, check(municipality, admin, data, name="台帳.xlsx"))
    assert ledger_import.status == ImportStatus.CHECKED, problems(ledger_import)
    mapping = ledger_import.report["mapping"]
    assert [mapping[labels[label]] for label in KOBE_JA] == WORDED_KEYS
    commit(admin, ledger_import)
    assert xlsx_rows(body(download(client, admin, municipality, "xlsx"))) == xlsx_rows(first)


# Each city's 区分 as its pack names the tracks shortly (tenancy.vocabulary; the queue's and the ledger's
# badges likewise): Kobe 5.3/4.1, Osaka 第2章2.1; Amagasaki and Kitakyushu have no short words, so the
# whole label of their pack.
TRACKS_JA = {
    "kitakyushu": {"重要情報資産を取り扱う場合", "重要情報資産を取り扱わない場合"},
    "kobe": {"機密性２以上", "機密性１"},
    "amagasaki": {"機密性２以上の情報を取り扱う場合", "機密性２以上の情報を取り扱わない場合"},
    "osaka": {"重要情報資産を取り扱う場合", "重要情報資産を取り扱わない場合"},
}
PRODUCT_TRACKS = {"high": "重要な情報を取り扱う", "low": "重要な情報を取り扱わない"}


def track_cells(data):
    rows = xlsx_rows(data)
    index = rows[0].index("区分" if "区分" in rows[0] else "Track")
    return {row[index] for row in rows[1:]}


@pytest.mark.parametrize("slug", CITIES)
def test_the_track_is_written_in_the_citys_words(client, slug):
    c, _entries = city_with_ledger(slug)
    assert track_cells(body(download(client, c.administrator, c.municipality, "xlsx"))) == TRACKS_JA[slug]


def test_the_track_in_english_is_the_products(client):
    c, _entries = city_with_ledger("kobe")
    data = body(download(english(client), c.administrator, c.municipality, "xlsx"))
    assert track_cells(data) == {"Handles important information", "Does not handle important information"}


def test_kobe_reads_a_file_whose_track_is_in_the_products_words(client):
    """A file exported before the city's track words (重要な情報を取り扱う) imports as one of now."""
    c, _entries = city_with_ledger("kobe")
    first = body(download(client, c.administrator, c.municipality, "xlsx"))
    book = workbook(first)
    index = [cell.value for cell in book.active[1]].index("区分")
    for row in book.active.iter_rows(min_row=2):
        row[index].value = {"機密性２以上": PRODUCT_TRACKS["high"], "機密性１": PRODUCT_TRACKS["low"]}[
            row[index].value
        ]
    out = io.BytesIO()
    book.save(out)
    municipality, admin = empty_city()
    ledger_import = managers_left_unassigned(
        admin, check(municipality, admin, out.getvalue(), name="台帳.xlsx")
    )
    assert ledger_import.status == ImportStatus.CHECKED, problems(ledger_import)
    commit(admin, ledger_import)
    assert xlsx_rows(body(download(client, admin, municipality, "xlsx"))) == xlsx_rows(first)
