"""Sample ISMAP cloud service lists in the published layout (kumokan.catalog.ismap_list), made with openpyxl."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

# The published columns, in the portal's order, with columns kumokan does not read in between.
COLUMNS = (
    "登録番号",
    "サービス名称",
    "事業者名",
    "サービス概要",
    "登録日",
    "有効期限",
    "監査対象期間",
    "監査機関",
)


def row(
    number: str,
    service: str,
    provider: str,
    *,
    registered: datetime.date | str | None = None,
    audit: tuple[datetime.date, datetime.date] | str | None = None,
    expiry: datetime.date | str | None = None,
    summary: str = "クラウドサービス",
) -> dict[str, Any]:
    period = audit if isinstance(audit, str) or audit is None else f"{audit[0]:%Y/%m/%d}～{audit[1]:%Y/%m/%d}"
    return {
        "登録番号": number,
        "サービス名称": service,
        "事業者名": provider,
        "サービス概要": summary,
        "登録日": registered,
        "有効期限": expiry,
        "監査対象期間": period,
        "監査機関": "監査法人サンプル",
    }


def workbook(
    rows: Sequence[dict[str, Any]], *, columns: Sequence[str] = COLUMNS, title_rows: int = 2
) -> io.BytesIO:
    """An .xlsx with a title above the header (as the portal's file has), the columns in `columns`' order."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "ISMAPクラウドサービスリスト"
    if title_rows:
        sheet.append(["ISMAP クラウドサービスリスト"])
        for _ in range(title_rows - 1):
            sheet.append([])
    sheet.append(list(columns))
    for values in rows:
        sheet.append([values.get(column) for column in columns])
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    stream.name = "ismap_cloud_service_list.xlsx"
    return stream
