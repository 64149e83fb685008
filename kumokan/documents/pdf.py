"""Printed forms as PDF: WeasyPrint, A4, with Debian's IPAex fonts embedded from their local files."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import cache as shared_cache
from django.template.loader import render_to_string
from django.utils.translation import get_language
from fontTools.ttLib import TTFont
from weasyprint import HTML
from weasyprint import __version__ as weasyprint_version
from weasyprint.urls import URLFetcher

from kumokan.documents.printed import PrintedForm

logger = logging.getLogger(__name__)
# A printed PDF is kept this long in the shared cache (Redis), under the digest of what it is made from
# (cache_key): the same form with the same content is served again without rendering its HTML or laying
# it out (a nine-page 別紙 takes seconds, BENCHMARKS.md); any change to what it prints changes the key.
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
    """The form as an A4 PDF, laid out by its kind's template; from the cache when the same form with the
    same content was printed before (cache_key), so that neither the HTML nor the layout is made again."""
    key = cache_key(form)
    try:
        kept = shared_cache.get(key)
    except Exception:  # the cache is an optimisation: a PDF is still printed without it
        logger.exception("The PDF cache could not be read")
        kept = None
    if isinstance(kept, bytes):
        return kept
    html = render_to_string(f"documents/print/{form.kind}.html", {"form": form, "fonts": font_urls()})
    pdf: bytes = HTML(string=printable(html), url_fetcher=_FontsOnly()).write_pdf()
    try:
        shared_cache.set(key, pdf, PDF_CACHE_SECONDS)
    except Exception:
        logger.exception("The PDF could not be kept in the cache")
    return pdf


def cache_key(form: PrintedForm) -> str:
    """Where the form's PDF is kept: the digest of everything the PDF is made from. The form's every value
    (PrintedForm, read from the database for this print), the language, and what lays it out: the print
    templates, the translations, this module and WeasyPrint's version (_layout_digest)."""
    content = json.dumps(dataclasses.asdict(form), default=str, ensure_ascii=False, sort_keys=True)
    text = f"{_layout_digest()}\n{get_language()}\n{content}"
    return "pdf:" + hashlib.sha256(text.encode()).hexdigest()


@cache
def _layout_digest() -> str:
    """The digest of the files that turn a form into a PDF (read once per process: they change with a
    deployment, which starts new processes)."""
    here = Path(__file__).resolve().parent
    files = [
        Path(__file__).resolve(),
        *sorted((here / "templates" / "documents" / "print").glob("*.html")),
        *sorted((here.parent / "locale").glob("*/LC_MESSAGES/django.mo")),
    ]
    digest = hashlib.sha256(weasyprint_version.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
