"""The ledger's export and import pages speak the city's words where its pack has its own (issue 17
point 1): Kobe's pages say 外部サービス and 外部サービス管理者, never クラウドサービス."""

import re

import pytest
from django.utils.translation import override

from kumokan.documents.tests.exchange import CITIES, body, city_with_ledger, download, empty_city, xlsx_rows
from kumokan.documents.tests.test_ledger_import import check
from kumokan.tenancy.vocabulary import vocabulary

pytestmark = pytest.mark.django_db

# The product's words, where a pack may have its own (tenancy.vocabulary).
GENERIC = {"service": "クラウドサービス", "service_manager": "クラウドサービス管理者"}


def shown(html: str) -> str:
    """The page's text without the footer (which names the product, not the city's rules)."""
    html = re.sub(r"<footer.*?</footer>", "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def generic_words_of(municipality) -> list[str]:
    """The product's words this city says otherwise."""
    with override("ja"):
        words = vocabulary(municipality)
    return [generic for name, generic in GENERIC.items() if getattr(words, name) != generic]


@pytest.mark.parametrize("slug", CITIES)
def test_the_export_and_import_pages_and_file_use_the_citys_words(client, slug):
    c, _entries = city_with_ledger(slug)
    data = body(download(client, c.administrator, c.municipality, "xlsx"))
    municipality, admin = empty_city(f"{slug}-copy", pack_id=slug)
    # The file's service managers have no account here: the page asks who they are.
    ledger_import = check(municipality, admin, data, name="台帳.xlsx")
    assert ledger_import.report["decisions"].get("service_manager")
    client.force_login(admin)
    pages = {
        "export": client.get("/documents/ledger/export/"),
        "import": client.get("/documents/ledger/imports/"),
        "import_detail": client.get(f"/documents/ledger/imports/{ledger_import.pk}/"),
    }
    generic = generic_words_of(municipality)
    if slug == "kobe":
        assert generic == ["クラウドサービス", "クラウドサービス管理者"]
    words = vocabulary(municipality)
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = shown(response.content.decode())
        found = [line.strip() for line in text.splitlines() for word in generic if word in line]
        assert not found, (name, found)
    detail = shown(pages["import_detail"].content.decode())
    assert words.service_manager in detail
    header = " ".join(str(cell) for cell in xlsx_rows(data)[0])
    assert words.service in header
    assert not [word for word in generic if word in header]


@pytest.mark.parametrize("slug", CITIES)
def test_the_export_and_import_pages_name_the_ledger_as_the_city_does(client, slug):
    """Headings, titles, the file's label, the decisions' choices and the import's message say the
    pack's ledger word (Kobe: 情報システム台帳, 5.2.1④); in English, "ledger"."""
    c, _entries = city_with_ledger(slug)
    data = body(download(client, c.administrator, c.municipality, "xlsx"))
    municipality, admin = empty_city(f"{slug}-copy", pack_id=slug)
    ledger_import = check(municipality, admin, data, name="台帳.xlsx")
    client.force_login(admin)
    with override("ja"):
        ledger = vocabulary(municipality).ledger
    export = client.get("/documents/ledger/export/").content.decode()
    assert f"<title>{ledger}の出力" in export
    assert f"<h1>{ledger}の出力</h1>" in export
    assert f">{ledger}ファイルの取込み</a>" in export
    upload = client.get("/documents/ledger/imports/").content.decode()
    assert f"<h1>{ledger}ファイルの取込み</h1>" in upload
    assert f"{ledger}ファイル（.xlsx または .csv）" in upload
    detail = client.get(f"/documents/ledger/imports/{ledger_import.pk}/").content.decode()
    assert f"{ledger}に登録済みの行" in detail
    assert f"未指名のまま取り込む（{ledger}に「管理者未指名」と表示）" in detail
    assert f"{ledger}の項目" in detail
    if ledger != "台帳":
        # No bare 台帳 left beside the city's own word on these pages (the file's own name aside).
        for page in (export, upload, detail):
            text = shown(page).replace(ledger, "").replace("台帳.xlsx", "")
            assert "台帳" not in text, [line.strip() for line in text.splitlines() if "台帳" in line]
    english = client.get("/documents/ledger/imports/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Import a ledger file</h1>" in english
    assert "Ledger file (.xlsx or .csv)" in english
    english = client.get(f"/documents/ledger/imports/{ledger_import.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Leave unassigned: the ledger shows the entry" in english.content.decode()
