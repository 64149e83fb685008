"""Benchmark: the memory of one gunicorn worker after a bounded run of requests on loopback.

Run on a database filled by bench/generate.py (the same KUMOKAN_DATABASE_URL):
    KUMOKAN_DATABASE_URL=… .venv/bin/python bench/worker_memory.py [--requests 400]
Starts `gunicorn --workers 1` on a free loopback port with the benchmark settings, signs in as the
city's chief, requests the ledger (pages, searches, cursors), the dashboard and the home page in turn,
then reads the worker's resident size (VmRSS) and its peak (VmHWM). Target (issue 8): ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import generate

BENCH = Path(__file__).resolve().parent


def status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="bench")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    generate.setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from kumokan.accounts.testing import device_for

    # A signed-in session made here, as the test client's force_login does, with the second factor.
    chief = get_user_model().objects.get(username=f"{args.slug}-chief")
    session = SessionStore()
    session["_auth_user_id"] = str(chief.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = chief.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device_for(chief).persistent_id
    session.create()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench_settings", PYTHONPATH=str(BENCH))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kumokan.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=BENCH.parent,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session.session_key}")]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
        before = status_kib(worker, "VmRSS")
        paths = [
            "/ledger/",
            "/ledger/?q=電子申請",
            "/ledger/?status=in_operation&track=high&sort=-updated",
            "/ledger/?page=10",
            f"/lifecycle/?m={args.slug}",
            "/",
        ]
        started = time.perf_counter()
        for n in range(args.requests):
            path = urllib.parse.quote(paths[n % len(paths)], safe="/?=&-")
            with opener.open(base + path, timeout=60) as response:
                assert response.status == 200, path
                response.read()
        elapsed = time.perf_counter() - started
        print(f"{args.requests} requests in {elapsed:.1f} s ({args.requests / elapsed:.1f}/s, one worker)")
        print(
            f"worker RSS: {before / 1024:.0f} MiB after start, {status_kib(worker, 'VmRSS') / 1024:.0f} MiB after the run, peak {status_kib(worker, 'VmHWM') / 1024:.0f} MiB  (target ≤ 150 MB)"
        )
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
