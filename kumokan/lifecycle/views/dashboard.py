"""The lifecycle dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kumokan.lifecycle.dashboard import dashboard_for
from kumokan.tenancy.permissions import Capability, municipalities_granting, requires


@require_safe
@requires(Capability.HOME)
def dashboard(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_granting(request.user, Capability.HOME)
    chosen = next((m for m in municipalities if m.slug == request.GET.get("m")), municipalities[0])
    return render(
        request,
        "lifecycle/dashboard.html",
        {
            "municipalities": municipalities,
            "board": dashboard_for(request.user, chosen, full=request.GET.get("all")),
        },
    )
