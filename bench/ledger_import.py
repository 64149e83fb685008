"""Benchmark: importing a ledger file of 10,000 rows (kumokan.documents.actions), dry run and commit.

Run: .venv/bin/python bench/ledger_import.py [--rows 10000] [--database var/bench/import.sqlite3]
The database is its own SQLite file, made afresh (migrated) on every run, so the shared benchmark
database is never written. On PostgreSQL: --database-url postgres://… (a database of its own: its
schema is dropped and migrated afresh), e.g. the throw-away cluster of scripts/lib.sh's pg_start:
  bash -c 'source scripts/lib.sh; trap pg_stop EXIT; pg_start &&
           nice .venv/bin/python bench/ledger_import.py --database-url "$PG_DATABASE_URL"'
There the server does much of the work in its own process: its CPU time (read from /proc for the
connection's backend, the server being on this machine) is given beside the benchmark's. The file is written by the exporter (kumokan.documents.ledger_export) in
the municipality's columns, as a city would re-import its own export: CSV UTF-8, or XLSX with --xlsx.

Floor: the same rows the commit wrote (every table, read back by cursor) inserted again with raw
executemany into a copy of the database as it was before the commit, in one transaction.
Target (issue 8): dry run and commit of 10,000 rows ≤ 10 s each.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import generate

ROOT = Path(__file__).resolve().parent.parent

PROVIDERS = [f"{name}株式会社" for name in generate.BUREAUS] + [f"クラウド{i}合同会社" for i in range(170)]
TERMS = "電子申請 文書管理 会議 チャット 給与 財務会計 施設予約 GIS 防災情報 メール 名刺管理 研修 アンケート".split()
STATUSES = ["稼働中"] * 8 + ["承認済み（運用開始前）", "停止中"]
SCOPES = ["自組織の関係者内", "所属内", "市民等"]
SLUG = "import-bench"
MODELS = ["SaaS", "PaaS", "IaaS", "ウェブ会議", "その他"]


def ledger_file(municipality: Any, rows: int, *, xlsx: bool) -> bytes:
    """A ledger of `rows` entries in the exporter's format (Japanese headers), skewed like generate.py."""
    from django.utils.translation import override

    from kumokan.documents.ledger_export import csv_chunks, write_xlsx
    from kumokan.documents.ledger_table import columns_for, escape_formula

    rng = random.Random(8)
    departments = list(municipality.departments.order_by("code").values_list("name", flat=True))
    with override("ja"):
        columns = columns_for(municipality)
        header = [str(column.label) for column in columns]

    def row(n: int) -> list[Any]:
        start = datetime.date(2020, 4, 1) + datetime.timedelta(days=rng.randrange(1500))
        values = {
            "department": departments[min(int(rng.paretovariate(1.2)) - 1, len(departments) - 1)],
            "service_name": f"{rng.choice(TERMS)}サービス {n:05d}",
            "function_name": rng.choice(["", "", "録画", "ファイル共有"]),
            "provider_name": PROVIDERS[min(int(rng.paretovariate(1.1)) - 1, len(PROVIDERS) - 1)],
            "service_model": rng.choice(MODELS),
            "purpose": f"{rng.choice(TERMS)}に関する業務（窓口・庁内の事務）。" * rng.randint(1, 3),
            "classification": rng.choice(["機密性1", "機密性2", "機密性2", "機密性3"]),
            "track": "",
            "period_start": start,
            "period_end": start + datetime.timedelta(days=365 * rng.randint(1, 5)),
            "applicant_department_name": rng.choice(departments),
            "applicant_name": f"{rng.choice(generate.SURNAMES)} 太郎",
            "user_scope": rng.choice(SCOPES),
            "user_scope_detail": "職員のみ",
            "service_manager_department_name": rng.choice(departments),
            "service_manager_title": "課長",
            "service_manager_name": f"{rng.choice(generate.SURNAMES)} 花子",
            "approver_title": "",
            "approved_on": start - datetime.timedelta(days=30),
            "status": rng.choice(STATUSES),
        }
        return [
            escape_formula(v) if isinstance(v, str) else v for v in (values.get(c.key, "") for c in columns)
        ]

    def rows_of() -> Iterator[list[Any]]:
        yield header
        for n in range(rows):
            yield row(n)

    if xlsx:
        out = io.BytesIO()
        write_xlsx(rows_of(), out, sheet_title="台帳")
        return out.getvalue()
    return b"".join(csv_chunks(rows_of()))


def setup(database: Path) -> tuple[Any, Any]:
    """A migrated database with one municipality (kobe + special-terms, 60 departments) and its administrator."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from kumokan.tenancy.choices import Role
    from kumokan.tenancy.models import Department, Membership, Municipality

    call_command("migrate", verbosity=0)
    municipality = Municipality.objects.create(
        slug=SLUG, name="取込市", pack_id="kobe", overlay_pack_ids=["special-terms"]
    )
    for i, (bureau, section) in enumerate(zip(generate.BUREAUS * 3, generate.SECTIONS * 2, strict=False)):
        if i == 60:
            break
        Department.objects.create(municipality=municipality, name=f"{bureau} {section}", code=f"d{i:03d}")
    admin = get_user_model().objects.create_user("import-admin", last_name="管理", first_name="太郎")
    Membership.objects.create(user=admin, municipality=municipality, role=Role.ADMINISTRATOR)
    return municipality, admin


class Counter:
    """Counts the statements Django sends (a cheap execute_wrapper, unlike CaptureQueriesContext)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def floor(before: Path, after: Path) -> tuple[float, float, int]:
    """Insert every row `after` has beyond `before` into a copy of `before` with executemany; wall and CPU seconds, rows."""
    target = before.with_suffix(".floor.sqlite3")
    shutil.copyfile(before, target)
    source = sqlite3.connect(after)
    schema = source.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    # Full-text tables (and their shadow tables) are filled by the triggers on the ledger's inserts.
    virtual = [name for name, sql in schema if sql.startswith("CREATE VIRTUAL")]
    tables = [name for name, _sql in schema if not any(name.startswith(v) for v in virtual)]
    db = sqlite3.connect(target, isolation_level=None)
    batches = []
    for table in tables:
        (last,) = db.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()  # noqa: S608 (table names from sqlite_master)
        rows = source.execute(f'SELECT * FROM "{table}" WHERE rowid > ?', (last,)).fetchall()  # noqa: S608
        if rows:
            batches.append((table, rows))
    source.close()
    started, cpu = time.perf_counter(), time.process_time()
    db.execute("BEGIN")
    for table, rows in batches:
        marks = ", ".join("?" * len(rows[0]))
        db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)  # noqa: S608
    db.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.close()
    target.unlink()
    return elapsed, cpu, sum(len(rows) for _, rows in batches)


def backend_cpu(pid: int | None) -> float:
    """CPU seconds of a PostgreSQL backend process on this machine (0 when there is none)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fresh_postgres_schema() -> None:
    """Drop everything in the database's public schema (it is the benchmark's own) for a fresh migrate."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


def postgres_params(name: str | None = None) -> dict[str, Any]:
    """The benchmark database's connection parameters for psycopg (another database's with `name`)."""
    from django.db import connection

    params = connection.get_connection_params()
    kept = {k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port") and v}
    if name:
        kept["dbname"] = name
    return kept


def postgres_copy(name: str) -> str:
    """A copy of the benchmark's database as it is now (CREATE DATABASE … TEMPLATE); its name."""
    import psycopg
    from django.db import connection

    source = connection.settings_dict["NAME"]
    copy = f"{source}_before"
    connection.close()
    with psycopg.connect(**postgres_params("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    return copy


def postgres_floor(before: str) -> tuple[float, float, float, int]:
    """Insert every row the database has beyond its copy `before` into that copy with executemany, in
    one transaction (foreign keys are deferred to its end, as Django declares them); wall, client CPU,
    server CPU (the backend's), rows."""
    import psycopg
    from psycopg.types.json import Jsonb

    jsonb_types = {114, 3802}  # json, jsonb
    target = psycopg.connect(**postgres_params(before))
    source = psycopg.connect(**postgres_params())
    tables = [
        name
        for (name,) in source.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'id' AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = 'public')"
        )
    ]
    batches = []
    for table in tables:
        (last,) = target.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()  # noqa: S608 (names from the catalogue)
        cursor = source.execute(f'SELECT * FROM "{table}" WHERE id > %s', (last,))  # noqa: S608
        columns = [(column.name, column.type_code in jsonb_types) for column in cursor.description or []]
        rows = [
            [
                Jsonb(value) if is_json and value is not None else value
                for value, (_n, is_json) in zip(row, columns, strict=True)
            ]
            for row in cursor.fetchall()
        ]
        if rows:
            batches.append((table, [name for name, _j in columns], rows))
    source.close()
    target.commit()
    pid = target.info.backend_pid
    started, cpu, server = time.perf_counter(), time.process_time(), backend_cpu(pid)
    with target.transaction(), target.cursor() as cursor:
        for table, names, rows in batches:
            marks = ", ".join(["%s"] * len(names))
            quoted = ", ".join(f'"{n}"' for n in names)
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)  # noqa: S608
    elapsed, cpu, server = time.perf_counter() - started, time.process_time() - cpu, backend_cpu(pid) - server
    target.close()
    with psycopg.connect(**postgres_params("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{before}"')
    return elapsed, cpu, server, sum(len(rows) for _t, _n, rows in batches)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database", type=Path, default=ROOT / "var" / "bench" / "import.sqlite3")
    parser.add_argument("--database-url", help="a PostgreSQL database of the benchmark's own (postgres://…)")
    parser.add_argument("--xlsx", action="store_true", help="an .xlsx file instead of CSV")
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a cProfile of the commit (CPU time) here, and print its 40 costliest functions",
    )
    args = parser.parse_args()
    database = args.database.resolve()
    postgres = bool(args.database_url)
    if postgres:
        os.environ["KUMOKAN_DATABASE_URL"] = args.database_url
    else:
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        os.environ["KUMOKAN_DATABASE_URL"] = f"sqlite:///{database}"
    generate.setup_django()

    from django.db import connection

    if postgres:
        fresh_postgres_schema()

    from kumokan.audit.chain import verify_chain
    from kumokan.documents import actions
    from kumokan.documents.choices import ImportStatus
    from kumokan.documents.ledger_import import UNASSIGNED
    from kumokan.ledger.models import LedgerEntry

    started = time.perf_counter()
    municipality, admin = setup(database)
    data = ledger_file(municipality, args.rows, xlsx=args.xlsx)
    kind = "XLSX" if args.xlsx else "CSV UTF-8"
    print(
        f"set-up {time.perf_counter() - started:.1f} s; {kind} file of {args.rows:,} rows, {len(data) / 1e6:.1f} MB"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    # The file's service managers have no account here: decided once, as a city would, to import them
    # unassigned (kumokan.documents.ledger_import.UNASSIGNED), before the dry run is timed.
    actions.save_decisions(
        acting_user=admin,
        municipality=municipality,
        decisions={"service_manager": {f"{surname} 花子": UNASSIGNED for surname in generate.SURNAMES}},
    )
    counter = Counter()
    with connection.execute_wrapper(counter):
        started, cpu = time.perf_counter(), time.process_time()
        ledger_import = actions.dry_run_ledger_import(
            acting_user=admin,
            municipality=municipality,
            name=f"台帳.{'xlsx' if args.xlsx else 'csv'}",
            data=data,
        )
        dry_wall, dry_cpu, dry_queries = (
            time.perf_counter() - started,
            time.process_time() - cpu,
            counter.count,
        )
    assert ledger_import.status == ImportStatus.CHECKED, ledger_import.report["problems"][:5]

    if postgres:
        before = postgres_copy(connection.settings_dict["NAME"])
    else:
        connection.close()
        snapshot = database.with_suffix(".before.sqlite3")
        shutil.copyfile(database, snapshot)
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid if postgres else None

    profiler = None
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    counter.count = 0
    with connection.execute_wrapper(counter):
        started, cpu, server = time.perf_counter(), time.process_time(), backend_cpu(backend)
        done = actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)
        commit_wall, commit_cpu, commit_queries, commit_server = (
            time.perf_counter() - started,
            time.process_time() - cpu,
            counter.count,
            backend_cpu(backend) - server,
        )
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    assert done.created_count == args.rows, done.created_count
    assert LedgerEntry.objects.filter(municipality=municipality).count() == args.rows
    verification = verify_chain()
    floor_server = 0.0
    if postgres:
        floor_wall, floor_cpu, floor_server, floor_rows = postgres_floor(before)
    else:
        connection.close()
        floor_wall, floor_cpu, floor_rows = floor(snapshot, database)
        snapshot.unlink()
    # The uploaded file, kept by dry_run_ledger_import under var/imports/<slug>/.
    shutil.rmtree(ROOT / "var" / "imports" / SLUG, ignore_errors=True)
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"audit chain: {verification.count:,} records, {'intact' if verification.ok else 'BROKEN'}")
    print(f"{'step':<10} {'wall':>8} {'cpu':>8} {'queries':>8} {'ratio to floor':>15}  target")
    print(f"{'dry run':<10} {dry_wall:7.2f}s {dry_cpu:7.2f}s {dry_queries:8,} {'':>15}  ≤ 10 s")
    print(
        f"{'commit':<10} {commit_wall:7.2f}s {commit_cpu:7.2f}s {commit_queries:8,} {commit_wall / floor_wall:6.1f}× wall {(commit_cpu + commit_server) / (floor_cpu + floor_server):4.1f}× cpu  ≤ 10 s"
    )
    print(
        f"{'floor':<10} {floor_wall:7.2f}s {floor_cpu:7.2f}s {'':>8} {'':>15}  ({floor_rows:,} rows by executemany)"
    )
    if postgres:
        print(
            f"PostgreSQL server CPU (the connection's backend): commit {commit_server:.2f} s, floor "
            f"{floor_server:.2f} s; commit CPU, benchmark + server: {commit_cpu + commit_server:.2f} s, "
            f"floor {floor_cpu + floor_server:.2f} s"
        )
    if not verification.ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
