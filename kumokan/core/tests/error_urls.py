"""The site's URLs plus one view that fails, to see the 500 page (test_error_pages)."""

from django.urls import path

from kumokan.config.urls import handler500
from kumokan.config.urls import urlpatterns as site


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a failing view")


urlpatterns = [path("boom/", boom), *site]
__all__ = ["handler500", "urlpatterns"]
