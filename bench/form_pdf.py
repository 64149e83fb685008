"""Benchmark: printing an application's forms as PDF (kumokan.documents.pdf, WeasyPrint), first and warm.

Run on a database filled by bench/generate.py (only read, never written):
    KUMOKAN_DATABASE_URL=… .venv/bin/python bench/form_pdf.py [--slug bench] [--rounds 10]
Takes an approved high-track application of the municipality (the longest checklists) and renders
each of its forms (様式1, 様式2, …): the first render in this process (fonts loaded, caches empty),
then warm renders. The floor, in the same process: WeasyPrint rendering a one-line HTML page, first
and warm. Reading the application's forms from the database (printed_forms) is timed apart.
Target (issue 8): a form PDF ≤ 0.5 s; (issue 18) the nine-page 別紙 ≤ 0.8 s, a form already rendered for
the same content from the cache ≤ 50 ms ("cached": the cache in use, Redis with KUMOKAN_CACHE_URL, else the
settings' own).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import time
from typing import Any

import generate


def timed(run: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="bench")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    generate.setup_django()
    from django.core.cache import cache
    from weasyprint import HTML

    from kumokan.applications.choices import Status
    from kumokan.applications.models import Application
    from kumokan.documents.pdf import cache_key, render_pdf
    from kumokan.documents.printed import printed_forms

    application = (
        Application.objects.filter(
            municipality__slug=args.slug, status=Status.APPROVED, snapshots__track="high"
        )
        .order_by("id")
        .first()
    )
    assert application is not None, f"no approved high-track application in {args.slug!r}"
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def floor() -> bytes:
        return HTML(string="<p>kumokan</p>").write_pdf()  # type: ignore[no-any-return]

    floor_first, _pdf = timed(floor)
    floor_warm = statistics.median(timed(floor)[0] for _ in range(args.rounds))
    read, forms = timed(lambda: printed_forms(application))
    print(f"application {application.pk}: {len(forms)} forms, read from the database in {read * 1000:.0f} ms")
    print(
        f"{'form':<34} {'pages':>5} {'first':>8} {'warm p50':>9} {'warm max':>9} {'ratio (warm)':>13} "
        f"{'cached p50':>10} {'cached max':>10}"
    )
    print(f"{'floor: one-line HTML':<34} {1:>5} {floor_first:7.3f}s {floor_warm:8.3f}s {'':>9} {'1.0×':>13}")

    def laid_out(form: Any) -> bytes:
        """The form laid out by WeasyPrint: its cached copy is dropped first."""
        cache.delete(cache_key(form))
        return render_pdf(form)  # type: ignore[no-any-return]

    for form in forms:
        first, pdf = timed(lambda form=form: laid_out(form))
        warm = [timed(lambda form=form: laid_out(form))[0] for _ in range(args.rounds)]
        # Served again for the same content: the HTML is rendered and hashed, the PDF read from the cache.
        cached = [timed(lambda form=form: render_pdf(form))[0] for _ in range(args.rounds)]
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
        pages = int(re.search(rb"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
        name = f"{form.form_id or '—'} {form.title}"[:32]
        print(
            f"{name:<34} {pages:>5} {first:7.3f}s {statistics.median(warm):8.3f}s {max(warm):8.3f}s"
            f" {statistics.median(warm) / floor_warm:12.1f}× {statistics.median(cached):9.3f}s {max(cached):9.3f}s"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
