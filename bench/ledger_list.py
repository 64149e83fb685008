"""Benchmark: the ledger list's server time, first and deep pages, with search and filters.

Run on a database filled by bench/generate.py (the same KUMOKAN_DATABASE_URL):
    KUMOKAN_DATABASE_URL=… .venv/bin/python bench/ledger_list.py [--explain] [--rounds 40]

Each case requests the page through Django's test client (middleware, view, template: the whole server
side, no network) and reports p50/p95. The floor is the same rows read with a plain cursor: the page's
own SQL (its count and its rows, captured from the request) executed again without Django. Targets
(issue 8): p95 ≤ 50 ms at 100,000 entries on SQLite, ≤ 100 ms at 1,000,000 on PostgreSQL; within 3× of
the floor. "cpu" is the process's own CPU time per request (on SQLite that includes the database):
the figure to read when other work shares the machine. --explain prints the plans of the count and rows.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import generate


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def timed(run: Callable[[], Any], rounds: int) -> list[float]:
    for _ in range(3):
        run()
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        found.append((time.perf_counter() - started) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="bench")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()
    generate.setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kumokan.accounts.testing import verify_client_session
    from kumokan.ledger.models import LedgerEntry
    from kumokan.ledger.paging import PAGE_SIZE, cursor_of
    from kumokan.tenancy.models import Municipality

    municipality = Municipality.objects.get(slug=args.slug)
    total = LedgerEntry.objects.filter(municipality=municipality).count()
    users = get_user_model().objects
    chief = users.get(username=f"{args.slug}-chief")
    department = municipality.departments.order_by("code").first()
    head = users.get(username=f"{args.slug}-{department.code}-2")

    def client_for(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        verify_client_session(client, user)
        return client

    chief_client, head_client = client_for(chief), client_for(head)
    deep = (total * 3 // 4) // PAGE_SIZE
    ordered = LedgerEntry.objects.filter(municipality=municipality).order_by(
        "service_name", "function_name", "id"
    )
    cursor_row = ordered.select_related("department")[deep * PAGE_SIZE - 1]
    rare = ordered.filter(status="suspended").values_list("provider_name", flat=True).last()
    cases = [
        ("first page", chief_client, {}),
        ("search 4 chars (電子申請)", chief_client, {"q": "電子申請"}),
        ("search 2 chars (会議)", chief_client, {"q": "会議"}),
        ("search rare (3 chars)", chief_client, {"q": "ｶﾞｽ管"}),
        ("search 1 char (ク)", chief_client, {"q": "ク"}),
        ("search half the ledger (システム)", chief_client, {"q": "システム"}),
        ("search latin (web)", chief_client, {"q": "web"}),
        (
            "filters: status+track+class",
            chief_client,
            {"status": "in_operation", "track": "high", "classification": "2"},
        ),
        ("filter: provider (exact)", chief_client, {"provider": rare}),
        (
            "search + filter + sort",
            chief_client,
            {"q": "システム", "status": "in_operation", "sort": "-updated"},
        ),
        ("sort by department", chief_client, {"sort": "department"}),
        (f"deep page by number ({deep})", chief_client, {"page": deep}),
        (
            "deep page by cursor (same rows)",
            chief_client,
            {"after": cursor_of(cursor_row, ["service_name", "function_name", "id"])},
        ),
        ("department head, first page", head_client, {}),
    ]
    print(f"{connection.vendor}, {total:,} entries; {args.rounds} rounds per case after 3 warm-ups")
    print(
        f"{'case':<34} {'queries':>7} {'p50':>8} {'p95':>8} {'cpu p50':>8} {'cpu p95':>8} "
        f"{'floor p50':>10} {'ratio':>6}"
    )
    for name, client, params in [case for case in cases if args.only in case[0]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/ledger/", params)
        assert response.status_code == 200, (name, response.status_code)
        statements = [q["sql"] for q in captured.captured_queries]
        # The floor: the ledger's own statements of this request (its count and its rows, and on SQLite
        # the search index's answer that chooses their plan), by cursor.
        ledger_sql = [
            sql
            for sql in statements
            if ('FROM "ledger_ledgerentry"' in sql and ("COUNT(" in sql or "LIMIT" in sql))
            or sql.startswith("SELECT rowid FROM ledger_entry_search")
        ]

        def floor(ledger_sql: list[str] = ledger_sql) -> None:
            with connection.cursor() as cursor:
                for sql in ledger_sql:
                    cursor.execute(sql)
                    cursor.fetchall()

        view_ms = timed(lambda client=client, params=params: client.get("/ledger/", params), args.rounds)
        cpu = []
        for _ in range(args.rounds):
            started = time.process_time()
            client.get("/ledger/", params)
            cpu.append((time.process_time() - started) * 1000)
        floor_ms = timed(floor, args.rounds)
        p50, p95, f50 = statistics.median(view_ms), percentile(view_ms, 0.95), statistics.median(floor_ms)
        print(
            f"{name:<34} {len(statements):>7} {p50:7.1f}ms {p95:7.1f}ms {statistics.median(cpu):7.1f}ms "
            f"{percentile(cpu, 0.95):7.1f}ms "
            f"{f50:9.1f}ms {p50 / f50:5.1f}×",
            flush=True,
        )
        if args.explain:
            for sql in ledger_sql:
                explain = (
                    "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
                )
                with connection.cursor() as cursor:
                    cursor.execute(explain + sql)
                    plan = cursor.fetchall()
                print(f"    {sql[:160]}…")
                for row in plan:
                    print(f"      {row[-1]}")


if __name__ == "__main__":
    main()
