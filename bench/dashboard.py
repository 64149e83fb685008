"""Benchmark: the dashboard (kumokan.home.dashboard) and the home page at scale, server time.

Run on a database filled by bench/generate.py (the same KUMOKAN_DATABASE_URL):
    KUMOKAN_DATABASE_URL=… .venv/bin/python bench/dashboard.py [--rounds 30] [--explain MS] [--only CASE]
Target (issue 8): ≤ 100 ms at 100,000 entries. The floor is the page's own SQL run again by cursor.
"""

from __future__ import annotations

import argparse
import statistics
import time
from importlib import import_module
from typing import Any

import generate
from ledger_list import percentile, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="bench")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--explain",
        type=float,
        metavar="MS",
        help="print each statement of a case that takes MS or more when run alone, with its plan",
    )
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()
    generate.setup_django()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kumokan.tenancy.models import Municipality

    municipality = Municipality.objects.get(slug=args.slug)
    department = municipality.departments.order_by("code").first()
    chief = signed_in_client(f"{args.slug}-chief")
    manager = signed_in_client(f"{args.slug}-{department.code}-3")
    applicant = signed_in_client(f"{args.slug}-{department.code}-0")
    cases = [
        ("dashboard, chief (oversees all)", chief, f"/lifecycle/?m={args.slug}"),
        ("dashboard, service manager", manager, f"/lifecycle/?m={args.slug}"),
        ("dashboard, applicant", applicant, f"/lifecycle/?m={args.slug}"),
        ("home page, chief", chief, "/"),
        ("home page, service manager", manager, "/"),
    ]
    print(f"{connection.vendor}; {args.rounds} rounds per case after 3 warm-ups")
    print(f"{'case':<34} {'queries':>7} {'p50':>8} {'p95':>8} {'cpu p50':>8} {'floor p50':>10} {'ratio':>6}")
    for name, client, url in [case for case in cases if args.only in case[0]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code, response.get("Location"))
        statements = [q["sql"] for q in captured.captured_queries]

        def floor(statements: list[str] = statements) -> None:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        wall = timed(lambda client=client, url=url: client.get(url), args.rounds)
        started, cpu = time.process_time(), []
        for _ in range(args.rounds):
            started = time.process_time()
            client.get(url)
            cpu.append((time.process_time() - started) * 1000)
        floor_ms = statistics.median(timed(floor, args.rounds))
        p50 = statistics.median(wall)
        print(
            f"{name:<34} {len(statements):>7} {p50:7.1f}ms {percentile(wall, 0.95):7.1f}ms "
            f"{statistics.median(cpu):7.1f}ms {floor_ms:9.1f}ms {p50 / floor_ms:5.1f}×",
            flush=True,
        )
        if args.explain is not None:
            explain_slow(connection, statements, args.explain)


def explain_slow(connection: Any, statements: list[str], threshold_ms: float) -> None:
    """Each statement that takes `threshold_ms` or more when run alone (best of three), with its plan
    (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite): what a case's floor is made of."""
    for sql in statements:
        best = float("inf")
        with connection.cursor() as cursor:
            for _ in range(3):
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                best = min(best, (time.perf_counter() - started) * 1000)
            if best < threshold_ms:
                continue
            postgres = connection.vendor == "postgresql"
            cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN ") + sql)
            plan = cursor.fetchall()
        print(f"    {best:7.1f} ms  {sql[:300]}")
        for row in plan:
            print(f"      {row[-1]}")


def signed_in_client(username: str) -> Any:
    """A test client signed in as `username` (second factor included) without a session row: the session
    is a signed cookie built in memory (signing in would write its log)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from kumokan.accounts.testing import device_for

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    user = get_user_model().objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # The second factor passed, with the user's device (enrolled here if they have none: one row, as
    # bench/ledger_list.py does).
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


if __name__ == "__main__":
    main()
