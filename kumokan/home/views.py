"""The home page: each section shows what the user's roles grant them."""

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kumokan.applications.access import applications_for, awaiting_decision_by
from kumokan.applications.choices import Status
from kumokan.core.actors import SignedInRequest
from kumokan.home.dashboard import dashboard_for
from kumokan.ledger import counts as ledger_counts
from kumokan.ledger.access import entries_for
from kumokan.ledger.choices import EntryStatus
from kumokan.notifications.models import Notification
from kumokan.tenancy.permissions import Capability, allows, municipalities_granting, requires

MANAGED_LISTED = 15


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """The dashboard: each section shows what the user's roles grant them (kumokan.tenancy.permissions)."""
    user = request.user
    context: dict[str, Any] = {
        "notifications": Notification.objects.filter(user=user).order_by("-created_at", "-id")[:5],
    }
    if allows(user, Capability.APPLY):
        context["open_applications"] = (
            applications_for(user)
            .filter(applicant=user, status__in=[Status.DRAFT, Status.RETURNED])
            .order_by("-updated_at")
        )
    if allows(user, Capability.DECIDE):
        context["queue"] = awaiting_decision_by(user)
    if allows(user, Capability.VIEW_LEDGER):
        entries = entries_for(user)
        counts: Counter[str] = Counter()
        for status, _track, _code, _department, n in ledger_counts.visible(user):
            counts[status] += n
        context["services_by_status"] = [
            (status, label, counts.get(status, 0)) for status, label in EntryStatus.choices
        ]
        # The first few in the ledger's order and how many more: one person may manage thousands of
        # services in a shared deployment (BENCHMARKS.md, "Dashboard").
        managed = entries.filter(service_manager=user).exclude(status=EntryStatus.RETIRED)
        context["managed"] = managed[:MANAGED_LISTED]
        context["managed_more"] = max(0, managed.count() - MANAGED_LISTED)
    return render(request, "home/home.html", context)


@require_safe
@requires(Capability.HOME)
def dashboard(request: SignedInRequest) -> HttpResponse:
    municipalities = municipalities_granting(request.user, Capability.HOME)
    chosen = next((m for m in municipalities if m.slug == request.GET.get("m")), municipalities[0])
    return render(
        request,
        "home/dashboard.html",
        {
            "municipalities": municipalities,
            # The chosen city: the page speaks its words (base.html's {% city_words %}).
            "municipality": chosen,
            "board": dashboard_for(
                request.user, chosen, full=request.GET.get("all"), page=_page_number(request.GET.get("page"))
            ),
        },
    )


def _page_number(given: str | None) -> int:
    """The page of a whole section asked for (?page=2: its second FULL_LIST_LIMIT); 1 for anything else."""
    return int(given) if given and given.isdigit() and 0 < int(given) < 10_000 else 1
