"""The user's calendar address and its feed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kumokan.core.actors import SignedInRequest
from kumokan.lifecycle.actions.calendar import regenerate_calendar_feed
from kumokan.lifecycle.calendar import feed_for
from kumokan.lifecycle.models import (
    CalendarFeed,
)
from kumokan.tenancy.permissions import Capability, requires


@requires(Capability.HOME)
def calendar(request: SignedInRequest) -> HttpResponse:
    """The user's secret calendar address, made or replaced on request."""
    if request.method == "POST":
        regenerate_calendar_feed(acting_user=request.user)
        messages.success(request, _("A new calendar address was made; the old one no longer works."))
        return redirect("lifecycle:calendar")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    address = request.build_absolute_uri(reverse("lifecycle:feed", args=[feed.token])) if feed else ""
    return render(request, "lifecycle/calendar.html", {"feed": feed, "address": address})


@never_cache
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: no login, the secret token is the key, and it shows only its owner's items."""
    owner = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token).user
    if not owner.is_active:
        raise Http404
    response = HttpResponse(
        feed_for(owner, request.build_absolute_uri("/")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="kumokan.ics"'
    return response
