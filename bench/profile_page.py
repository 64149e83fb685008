"""Profile one page as a signed-in user (CPU time of this process, cProfile), on a bench/generate.py database.

    KUMOKAN_DATABASE_URL=… .venv/bin/python bench/profile_page.py USERNAME URL [--rounds 20] [--top 40]
Prints the CPU time per request (p50 of the rounds, after warm-ups), the queries, and the profile's top.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time

import generate
from dashboard import signed_in_client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("username")
    parser.add_argument("url")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    generate.setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(args.username)
    for _ in range(3):
        assert client.get(args.url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(args.url)
    cpu = []
    for _ in range(args.rounds):
        started = time.process_time()
        client.get(args.url)
        cpu.append((time.process_time() - started) * 1000)
    print(f"{args.url} as {args.username}: cpu p50 {statistics.median(cpu):.1f} ms, {len(captured)} queries")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:200]}")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.rounds):
        client.get(args.url)
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
