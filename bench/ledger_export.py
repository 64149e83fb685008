"""Benchmark: exporting a generated ledger as CSV (UTF-8, Shift_JIS) and XLSX; time and peak memory.

Run: .venv/bin/python bench/ledger_export.py [ENTRIES]   (default 10000; a throw-away SQLite database)
Memory is Python's peak allocation during each export (tracemalloc), which is what must stay bounded
as the ledger grows; the process's maximum resident size is printed too.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="kumokan-bench-"))
os.environ.setdefault("KUMOKAN_DEBUG", "true")
os.environ["KUMOKAN_DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumokan.config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from kumokan.applications.judging import judge_facts  # noqa: E402
from kumokan.applications.models import Application  # noqa: E402
from kumokan.catalog.models import CloudService, Provider  # noqa: E402
from kumokan.documents.ledger_export import cp932_problems, csv_chunks, export_rows, write_xlsx  # noqa: E402
from kumokan.documents.ledger_table import columns_for  # noqa: E402
from kumokan.ledger.models import LedgerEntry  # noqa: E402
from kumokan.tenancy.models import Department, Municipality  # noqa: E402


def generate(count: int) -> Municipality:
    municipality = Municipality.objects.create(slug="kobe", name="神戸市", pack_id="kobe")
    departments = [
        Department.objects.create(municipality=municipality, name=f"局{i} 第{i}課", code=f"d{i}")
        for i in range(20)
    ]
    user = get_user_model().objects.create_user("bench", last_name="試験", first_name="太郎")
    provider = Provider.objects.create(municipality=municipality, name="株式会社クラウド自治")
    facts = {
        "service_name": "電子申請サービス",
        "provider": "株式会社クラウド自治",
        "purpose": "市民からの各種申請の受付",
        "service_model": "saas",
        "confidentiality": "2",
    }
    judged = judge_facts(municipality, facts)
    now = timezone.now()
    for start in range(0, count, 2000):
        size = min(2000, count - start)
        services = CloudService.objects.bulk_create(
            CloudService(
                provider=provider,
                name=f"サービス{start + i:06d}",
                name_key=f"サービス{start + i:06d}",
                service_model="saas",
            )
            for i in range(size)
        )
        applications = Application.objects.bulk_create(
            Application(
                municipality=municipality,
                department=departments[i % 20],
                applicant=user,
                service=service,
                facts=judged.facts,
                status="approved",
            )
            for i, service in enumerate(services)
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                municipality=municipality,
                department=application.department,
                application=application,
                service=application.service,
                service_name=application.service.name,
                provider_name=provider.name,
                purpose="市民からの各種申請の受付（窓口・オンライン）。" * 3,
                classification_code="2",
                classification_label="機密性2",
                track="high",
                period_start=now.date(),
                period_end=now.date(),
                applicant=user,
                applicant_name="試験 太郎",
                applicant_department_name=application.department.name,
                user_scope="organisation",
                service_manager=user,
                service_manager_name="試験 太郎",
                service_manager_title="課長",
                service_manager_department_name=application.department.name,
                approver_title="情報セキュリティ管理者",
                approved_by=user,
                approved_at=now,
                status="in_operation",
            )
            for application in applications
        )
    return municipality


def measure(name: str, run) -> None:
    """Time one run, then trace the allocations of a second (tracemalloc slows Python several times)."""
    started = time.perf_counter()
    size = run()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{name:<22} {elapsed:7.2f} s   peak Python memory {peak / 1024 / 1024:6.1f} MiB   file {size / 1024 / 1024:6.1f} MiB"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    municipality = generate(count)
    print(f"generated {count} entries in {time.perf_counter() - started:.1f} s ({WORK})")
    entries = LedgerEntry.objects.filter(municipality=municipality).select_related("department", "service")
    entries = entries.order_by("service_name", "function_name", "provider_name", "department__code", "id")
    columns = columns_for(municipality)

    def csv_utf8() -> int:
        return sum(len(chunk) for chunk in csv_chunks(export_rows(entries, columns)))

    def csv_cp932() -> int:
        assert not cp932_problems(entries, columns)
        return sum(len(chunk) for chunk in csv_chunks(export_rows(entries, columns), cp932=True))

    def xlsx() -> int:
        with tempfile.TemporaryFile() as out:
            write_xlsx(export_rows(entries, columns), out, sheet_title="台帳")
            return out.tell()

    measure("CSV UTF-8", csv_utf8)
    measure("CSV Shift_JIS (+check)", csv_cp932)
    measure("XLSX", xlsx)
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
