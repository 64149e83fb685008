"""Ledgers as cities keep them (issue 16): made here with openpyxl and csv, one shape each.

Kitakyushu's is the seed's own ledger, 5.2(1)④ (ア)–(ケ) (seeds/001), under a merged title row and
notes, on the second of three sheets; Kobe's has the eight items of 5.2.1⑤ (seeds/003), in a CSV file
saved by an old Excel (cp932); Amagasaki's and Osaka's packs list no ledger items, so theirs have the
column names the seeds' forms use, with the product's own where the seed has none.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from openpyxl import Workbook

from kumokan.applications.tests import factories as f
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality

TITLE = "クラウドサービス台帳（令和７年４月１日現在）"

KITAKYUSHU_HEADER = [
    "No.",
    "クラウドサービスの名称（必要に応じて機能名までを含む）",
    "クラウドサービス提供者の名称",
    "利用目的（業務内容）",
    "取り扱う情報の格付",
    "利用期間",
    "利用申請者（所属・氏名）",
    "利用者の範囲（自組織の関係者内に限る、部局内に限るなど）",
    "クラウドサービス管理者（所属・補職名）",
    "その他必要な項目",
    "備考",
]
KITAKYUSHU_ROWS = [
    [
        1,
        "電子申請システム",
        "ＡＢＣクラウド株式会社",
        "市民からの各種申請の受付",
        "第2種",
        "令和６年４月１日～令和９年３月３１日",
        "デジタル推進課・山田太郎",
        "自組織の関係者内",
        "情報政策課　係長",
        "LGWAN-ASP",
        "",
    ],
    [
        2,
        "Web会議（録画）",
        "ｸﾗｳﾄﾞ会議合同会社",
        "庁内外の打合せ",
        "その他",
        "R6.10.1～R7.9.30",
        "髙﨑支所・鈴木花子",
        "所属内",
        "髙﨑支所 所長",
        "",
        "更新予定",
    ],
    [
        3,
        "文書管理",
        "文書クラウド株式会社",
        "文書の管理",
        "第1種",
        "2024/4/1～2027/3/31",
        "デジタル推進課　佐藤一郎",
        "自組織の関係者内",
        "デジタル推進課・課長",
        "",
        "",
    ],
    [
        4,
        "施設予約",
        "予約サービス株式会社",
        "施設予約の受付",
        "その他",
        "令和5年4月1日～",
        "情報政策課・田中次郎",
        "市民等",
        "情報政策課・課長補佐",
        "",
        "",
    ],
]

KOBE_HEADER = [
    "外部サービスの名称",
    "外部サービス提供者の名称",
    "利用目的（業務内容）",
    "取り扱う情報の格付",
    "利用期間",
    "利用申請者（所属・氏名）",
    "利用者の範囲（自組織の関係者内に限る等）",
    "外部サービス管理者（所属役職）",
]
KOBE_ROWS = [
    [
        "電子契約サービス",
        "契約クラウド株式会社",
        "契約事務",
        "機密性2",
        "令和6年4月1日～令和9年3月31日",
        "デジタル推進課・山田太郎",
        "自組織の関係者内",
        "情報政策課 係長",
    ],
    [
        "アンケート",
        "調査サービス株式会社",
        "市民アンケート",
        "機密性1",
        "R6.10.1～R7.9.30",
        "髙﨑支所・鈴木花子",
        "市民等",
        "髙﨑支所 所長",
    ],
]

# The seeds' forms' names where the pack lists no ledger items; the product's own for the rest.
SHORT_HEADER = [
    "No",
    "クラウドサービス名（機能名）",
    "クラウドサービス提供者",
    "利用目的",
    "取り扱う情報の格付",
    "利用期間",
    "利用申請者（所属・氏名）",
    "利用者の範囲",
    "クラウドサービス管理者（所属・補職名）",
]
SHORT_ROWS = [
    [
        "1",
        "電子申請",
        "ＡＢＣクラウド株式会社",
        "各種申請の受付",
        "機密性2",
        "令和６年４月１日～令和９年３月３１日",
        "デジタル推進課・山田太郎",
        "自組織の関係者内",
        "情報政策課　係長",
    ],
]

DEPARTMENTS = ("デジタル推進課", "情報政策課", "高崎支所")


def kept_city(pack_id: str) -> tuple[Municipality, Any]:
    """An empty municipality judged by `pack_id`, with the departments these ledgers name (高崎支所
    registered in the common form, the ledgers write 髙﨑支所), and its administrator."""
    municipality = Municipality.objects.create(slug=f"{pack_id}-kept", name=f"{pack_id}市", pack_id=pack_id)
    for code, name in enumerate(DEPARTMENTS):
        Department.objects.create(municipality=municipality, name=name, code=f"d{code}")
    administrator = f.user(f"{pack_id}-kept-admin", last_name="管理", first_name="太郎")
    Membership.objects.create(user=administrator, municipality=municipality, role=Role.ADMINISTRATOR)
    return municipality, administrator


def kept_workbook(header: list[str], rows: list[list[Any]], *, sheets: bool = True) -> bytes:
    """The ledger under a merged title row, a note and a blank row; with `sheets`, on the second of
    three sheets (an explanation first, a tally after)."""
    workbook = Workbook()
    first = workbook.active
    if sheets:
        first.title = "記入要領"
        first.append(["この台帳の書き方"])
        first.append(["※ 利用期間は「開始日～終了日」で記入してください。"])
        ledger = workbook.create_sheet("台帳")
    else:
        ledger = first
        ledger.title = "台帳"
    ledger.append([TITLE])
    ledger.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ledger.append(["※ 各課の利用状況を毎年４月に更新する。"])
    ledger.append([])
    ledger.append(header)
    for values in rows:
        ledger.append(values)
        ledger.append([])
    if sheets:
        tally = workbook.create_sheet("集計")
        tally.append(["件数", len(rows)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def kept_csv(header: list[str], rows: list[list[Any]], *, encoding: str = "cp932") -> bytes:
    """A CSV file as an old Excel saves it: Shift_JIS (cp932), CRLF, a title line above the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([TITLE])
    writer.writerow([])
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
