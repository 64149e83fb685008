"""Benchmark: the dashboard (kumokan.lifecycle.dashboard) and the home page at scale, server time.

Run on a database filled by bench/generate.py (the same KUMOKAN_DATABASE_URL):
    KUMOKAN_DATABASE_URL=… .venv/bin/python bench/dashboard.py [--rounds 30]
Target (issue 8): ≤ 100 ms at 100,000 entries. The floor is the page's own SQL run again by cursor.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import generate
from ledger_list import percentile, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="bench")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    generate.setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kumokan.accounts.testing import verify_client_session
    from kumokan.tenancy.models import Municipality

    municipality = Municipality.objects.get(slug=args.slug)
    users = get_user_model().objects
    department = municipality.departments.order_by("code").first()

    def client_for(username: str) -> Any:
        user = users.get(username=username)
        client = Client()
        client.force_login(user)
        verify_client_session(client, user)
        return client

    chief = client_for(f"{args.slug}-chief")
    manager = client_for(f"{args.slug}-{department.code}-3")
    cases = [
        ("dashboard, chief (oversees all)", chief, f"/lifecycle/?m={args.slug}"),
        ("dashboard, service manager", manager, f"/lifecycle/?m={args.slug}"),
        ("home page, chief", chief, "/"),
    ]
    print(f"{connection.vendor}; {args.rounds} rounds per case after 3 warm-ups")
    print(f"{'case':<34} {'queries':>7} {'p50':>8} {'p95':>8} {'cpu p50':>8} {'floor p50':>10} {'ratio':>6}")
    for name, client, url in cases:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
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


if __name__ == "__main__":
    main()
