"""Profile one page as a signed-in user (CPU time of this process, cProfile), on a bench/generate.py database.

    KUMOKAN_DATABASE_URL=… .venv/bin/python bench/profile_page.py USERNAME URL [--rounds 20] [--top 40]
(--api: an API path, with a new API token of the user's.) Prints the CPU time per request (p50 of the rounds, after warm-ups), the queries, and the profile's top.
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
    parser.add_argument(
        "--api", action="store_true", help="an API path: with a token of the user's (one row)"
    )
    args = parser.parse_args()
    generate.setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(args.username)
    if args.api:
        from django.conf import settings
        from django.contrib.auth import get_user_model

        # The rate limit's counts in this process's memory (a deployment has Redis).
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        from django.test import Client

        from kumokan.api.actions import issue_api_token

        user = get_user_model().objects.get(username=args.username)
        _token, text = issue_api_token(acting_user=user, user=user, name="bench/profile_page.py")
        client = Client(headers={"authorization": f"Bearer {text}"})
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
