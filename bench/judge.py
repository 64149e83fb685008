"""Benchmark: judgments per second in-process, and the `kumokan judge` command's cold start.

Run: .venv/bin/python bench/judge.py   (figures go to BENCHMARKS.md by hand, with the machine)
Targets (issue: foundation): under 1 ms per judgment in-process; under 300 ms cold start.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kumokan.policy import PackLibrary

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = PackLibrary.from_path(os.environ.get("KUMOKAN_PACK_PATH", ""))
available = LIBRARY.available
load_pack = LIBRARY.load
judge = LIBRARY.judge
KUMOKAN = ROOT / ".venv" / "bin" / "kumokan"


def sample_facts(pack_id: str) -> list[dict[str, object]]:
    orders = load_pack(pack_id).pack.orders()
    base = {"service_name": "電子申請サービス", "provider": "株式会社サンプル", "purpose": "申請受付"}
    return [
        {
            **base,
            "service_model": model,
            "confidentiality": conf,
            "direct_internet_login": remote,
            "handles_personal_info": True,
            "certifications": ["ISMAP"] if remote else [],
        }
        for model in ("saas", "iaas", "web_conference")
        for conf in orders["confidentiality"]
        for remote in (False, True)
    ]


def in_process(rounds: int = 2000) -> None:
    print("in-process judgment (pack parsed once, then cached)")
    for pack_id in sorted(available()):
        if load_pack(pack_id).pack.kind != "municipality":
            continue
        packs = [pack_id, "special-terms"] if "special-terms" in available() else [pack_id]
        cases = sample_facts(pack_id)
        judge(cases[0], packs)  # warm the cache
        timings = []
        for n in range(rounds):
            start = time.perf_counter()
            judge(cases[n % len(cases)], packs)
            timings.append(time.perf_counter() - start)
        timings.sort()
        p50 = statistics.median(timings) * 1000
        p95 = timings[int(len(timings) * 0.95)] * 1000
        print(
            f"  {'+'.join(packs):28s} p50 {p50:6.3f} ms  p95 {p95:6.3f} ms  ({1000 / p50:7.0f}/s)  target < 1 ms"
        )


def cold_start(runs: int = 15) -> None:
    print("cold start of `kumokan judge` (a new process each time)")
    facts = json.dumps(sample_facts("kobe")[0]).encode()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}

    def timed(cmd: list[str], stdin: bytes | None) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, input=stdin, capture_output=True, check=True, env=env)
        return time.perf_counter() - start

    floor = sorted(timed([sys.executable, "-c", "pass"], None) for _ in range(runs))
    overlay = ["--pack", "special-terms"] if "special-terms" in available() else []
    cmd = [str(KUMOKAN), "judge", "--pack", "kobe", *overlay, "-"]
    timed(cmd, facts)  # compile bytecode once
    runs_ms = sorted(timed(cmd, facts) for _ in range(runs))
    f50, c50 = statistics.median(floor) * 1000, statistics.median(runs_ms) * 1000
    c95 = runs_ms[int(len(runs_ms) * 0.95)] * 1000
    print(f"  floor (python -c pass)   p50 {f50:6.1f} ms")
    print(
        f"  kumokan judge            p50 {c50:6.1f} ms  p95 {c95:6.1f} ms  ratio to floor {c50 / f50:4.1f}x  target < 300 ms"
    )


if __name__ == "__main__":
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    in_process()
    cold_start()
