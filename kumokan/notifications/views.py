"""The user's notifications: read them, mark them read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kumokan.core.actors import SignedInRequest
from kumokan.notifications import actions
from kumokan.notifications.models import Notification
from kumokan.tenancy.permissions import Capability, requires

PAGE_SIZE = 30


@requires(Capability.NOTIFICATIONS)
def notifications(request: SignedInRequest) -> HttpResponse:
    mine = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = mine.filter(read_at__isnull=True).exists()
    return render(request, "notifications/list.html", {"page": page, "unread": unread})


@require_POST
@requires(Capability.NOTIFICATIONS)
def mark_read(request: SignedInRequest, pk: int) -> HttpResponse:
    # Only the user's own notifications exist for them: any other is 404.
    notification = get_object_or_404(Notification, user=request.user, pk=pk)
    notification = actions.mark_read(acting_user=request.user, notification=notification)
    if request.htmx:
        return render(request, "notifications/_item.html", {"notification": notification})
    return redirect("notifications:list")


@require_POST
@requires(Capability.NOTIFICATIONS)
def mark_all_read(request: SignedInRequest) -> HttpResponse:
    actions.mark_all_read(acting_user=request.user)
    return redirect("notifications:list")
