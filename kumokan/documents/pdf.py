"""Printed forms as PDF: WeasyPrint, A4, with Debian's IPAex fonts embedded from their local files."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import cache as shared_cache
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont
from weasyprint import HTML
from weasyprint import __version__ as weasyprint_version
from weasyprint.urls import URLFetcher

from kumokan.documents.printed import PrintedForm

logger = logging.getLogger(__name__)
# A printed PDF is kept this long in the shared cache (Redis), under the digest of the HTML it was laid
# out from: the same form with the same content is served again without WeasyPrint (a nine-page 別紙
# takes ~1.5 s to lay out, BENCHMARKS.md); any change to what the form prints changes the digest.
PDF_CACHE_SECONDS = 7 * 24 * 3600

# fonts-ipaexfont (scripts/lib.sh installs it): 明朝 for the text, ゴシック for headings and labels.
FONTS = {
    "mincho": Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"),
    "gothic": Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
}


class FontMissing(RuntimeError):
    """Without the font every Japanese character would print as a blank box (tofu)."""


class _FontsOnly(URLFetcher):
    """Fetches the two font files and nothing else: a form never reaches the network or other files."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url not in {path.as_uri() for path in FONTS.values()}:
            raise ValueError(f"refused to fetch {url!r} while printing a form")
        return super().fetch(url, headers)


def font_urls() -> dict[str, str]:
    missing = [str(path) for path in FONTS.values() if not path.is_file()]
    if missing:
        raise FontMissing(f"Japanese font missing: {', '.join(missing)} (install Debian's fonts-ipaexfont)")
    return {name: path.as_uri() for name, path in FONTS.items()}


@cache
def covered_code_points() -> frozenset[int]:
    """The code points both fonts draw."""
    mincho, gothic = (set(TTFont(path, lazy=True).getBestCmap()) for path in FONTS.values())
    return frozenset(mincho & gothic)


def printable(text: str) -> str:
    """`text` with each character the fonts lack replaced by its compatibility form where the fonts
    have that: the seeds number clauses 4⑴ア, and IPAex has no ⑴, so it prints as 4(1)ア, not as tofu."""
    covered = covered_code_points()
    out = []
    for ch in text:
        if ord(ch) not in covered:
            plain = unicodedata.normalize("NFKC", ch)
            if plain != ch and all(ord(c) in covered for c in plain):
                ch = plain
        out.append(ch)
    return "".join(out)


def render_pdf(form: PrintedForm) -> bytes:
    """The form as an A4 PDF, laid out by its kind's template; from the cache when the same HTML was laid
    out before (the key is the digest of everything the PDF is made from: the HTML, which holds the
    form's every value and the template's text, and the version of WeasyPrint)."""
    html = _html(form)
    key = cache_key(html)
    try:
        kept = shared_cache.get(key)
    except Exception:  # the cache is an optimisation: a PDF is still printed without it
        logger.exception("The PDF cache could not be read")
        kept = None
    if isinstance(kept, bytes):
        return kept
    pdf: bytes = HTML(string=html, url_fetcher=_FontsOnly()).write_pdf()
    try:
        shared_cache.set(key, pdf, PDF_CACHE_SECONDS)
    except Exception:
        logger.exception("The PDF could not be kept in the cache")
    return pdf


def _html(form: PrintedForm) -> str:
    return printable(
        render_to_string(f"documents/print/{form.kind}.html", {"form": form, "fonts": font_urls()})
    )


def cache_key(html_or_form: str | PrintedForm) -> str:
    """Where the PDF of this HTML (or of this form as it reads now) is kept in the cache."""
    html = html_or_form if isinstance(html_or_form, str) else _html(html_or_form)
    return "pdf:" + hashlib.sha256(f"{weasyprint_version}\n{html}".encode()).hexdigest()
