"""The site's URLs plus views that fail, to see the 400 and 500 pages (test_error_pages)."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from kumokan.config.urls import handler400, handler500
from kumokan.config.urls import urlpatterns as site


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a failing view")


def suspicious(request):  # type: ignore[no-untyped-def]
    raise SuspiciousOperation("a request kumokan cannot read")


urlpatterns = [path("boom/", boom), path("suspicious/", suspicious), *site]
__all__ = ["handler400", "handler500", "urlpatterns"]
