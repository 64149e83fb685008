"""Benchmark: exporting the ledger as CSV (UTF-8, Shift_JIS) and XLSX; time and peak memory.

Run on a database filled by bench/generate.py (only read, never written):
    KUMOKAN_DATABASE_URL=… .venv/bin/python bench/ledger_export.py [--slug bench]
Each export runs in a process of its own, as the web request's worker would, writing the whole file
to a temporary file; the figures are its wall and CPU time and the process's peak resident size
(VmHWM) against its size once Django is set up. The floors, in the same run and the same way: the
export's own SQL read by a raw cursor and written with the csv module (UTF-8), and the same raw rows
appended to an openpyxl write-only sheet with no styling (XLSX).
Target (issue 8): 100,000 entries with peak memory ≤ 200 MB (streamed).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import generate

CASES = ("floor-csv", "csv", "csv-cp932", "floor-xlsx", "xlsx")


def status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def entries_of(slug: str) -> tuple[Any, Any]:
    """The export view's query (kumokan.documents.views.ledger_export) for the whole municipality."""
    from kumokan.documents.ledger_table import columns_for
    from kumokan.ledger.models import LedgerEntry
    from kumokan.tenancy.models import Municipality

    municipality = Municipality.objects.get(slug=slug)
    entries = (
        LedgerEntry.objects.filter(municipality=municipality)
        .select_related("department", "service")
        .order_by("service_name", "function_name", "provider_name", "department__code", "id")
    )
    return entries, columns_for(municipality)


def run_one(case: str, slug: str) -> dict[str, Any]:
    """One export into a temporary file, in this process; its figures."""
    from django.db import connection

    from kumokan.documents.ledger_export import cp932_problems, csv_chunks, export_rows, write_xlsx

    entries, columns = entries_of(slug)
    rows = entries.count()
    settled = status_kib("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile() as out:
        if case == "csv":
            for chunk in csv_chunks(export_rows(entries, columns)):
                out.write(chunk)
        elif case == "csv-cp932":
            assert not cp932_problems(entries, columns)
            for chunk in csv_chunks(export_rows(entries, columns), cp932=True):
                out.write(chunk)
        elif case == "xlsx":
            write_xlsx(export_rows(entries, columns), out, sheet_title="台帳")
        else:
            sql, params = entries.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                if case == "floor-csv":
                    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
                    writer = csv.writer(text, lineterminator="\r\n")
                    while batch := cursor.fetchmany(2000):
                        writer.writerows(batch)
                    text.detach()
                else:
                    from openpyxl import Workbook

                    workbook = Workbook(write_only=True)
                    sheet = workbook.create_sheet("台帳")
                    while batch := cursor.fetchmany(2000):
                        for row in batch:
                            sheet.append(list(row))
                    workbook.save(out)
        out.seek(0, os.SEEK_END)
        size = out.tell()
    return {
        "case": case,
        "rows": rows,
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "settled_mib": settled / 1024,
        "peak_mib": status_kib("VmHWM") / 1024,
        "size_mib": size / 1024 / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="bench")
    parser.add_argument("--one", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args()
    if args.one:
        generate.setup_django()
        print(json.dumps(run_one(args.one, args.slug)))
        return
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'case':<11} {'rows':>8} {'wall':>8} {'cpu':>8} {'RSS set up':>10} {'peak RSS':>9} {'file':>9}")
    results = {}
    for case in args.cases.split(","):
        output = subprocess.check_output(
            [sys.executable, __file__, "--one", case, "--slug", args.slug], env=os.environ
        )
        r = results[case] = json.loads(output.decode().strip().splitlines()[-1])
        print(
            f"{case:<11} {r['rows']:>8,} {r['wall']:7.2f}s {r['cpu']:7.2f}s {r['settled_mib']:8.0f} MiB"
            f" {r['peak_mib']:5.0f} MiB {r['size_mib']:6.1f} MiB"
        )
    for case, floor in (("csv", "floor-csv"), ("csv-cp932", "floor-csv"), ("xlsx", "floor-xlsx")):
        if case in results and floor in results:
            print(f"{case} / {floor}: {results[case]['wall'] / results[floor]['wall']:.1f}× wall")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
