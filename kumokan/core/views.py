import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 only when this process can reach the database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 400 page in the site's layout (handler400; Django's own renders it without the request)."""
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused for its missing or stale security token: why, in the layout, and what to do."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's layout (handler500). Django's own renders it without the request, so
    the header would lose its navigation and language; if the failure was the database that the
    navigation reads, the page is rendered without the request instead of failing a second time."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the error page must answer whatever broke
        logger.exception("The 500 page could not be rendered with the request")
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:  # e.g. a static file missing from the manifest: the layout itself is broken
        logger.exception("The 500 page could not be rendered")
    return HttpResponseServerError(
        "<!doctype html><meta charset=utf-8><title>500</title>"
        "<h1>サーバーでエラーが起きました / Server error</h1>"
        "<p>時間をおいてもう一度お試しください。 / Please try again later.</p>"
    )
