"""The web-conference planner: the engine's measures for one meeting, printable, as PDF, and the invitation.

Nothing is stored: the facts travel in the query string, so a plan can be bookmarked, printed or sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kumokan.core.actors import SignedInRequest
from kumokan.documents.pdf import render_pdf
from kumokan.meetings.forms import FACTS, MeetingForm
from kumokan.meetings.planning import (
    Example,
    NoMeetingRules,
    examples_for,
    has_meeting_rules,
    invitation_text,
    plan_meeting,
    planner_municipality,
)
from kumokan.meetings.printing import printed_plan
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, requires


def _municipality(request: SignedInRequest) -> Municipality:
    # requires() has checked that the user holds a role somewhere; the planner follows their city's rules.
    found = planner_municipality(request.user)
    if found is None:
        raise PermissionDenied
    return found


def _no_rules(request: SignedInRequest, municipality: Municipality, status: int = 200) -> HttpResponse:
    """The page for a city whose rules have none for web conferences: says so by the rules' name, and
    leads to them and home."""
    context = {"municipality": municipality, "rules": municipality.pack().pack.rules_name}
    return render(request, "meetings/no_rules.html", context, status=status)


def _query(example: Example) -> str:
    """The example's facts as the form submits them (a checked box sends "on", an unchecked one nothing)."""
    params = {
        name: ("on" if value is True else value)
        for name, value in example.facts.items()
        if value is not False
    }
    return urlencode({**{name: params[name] for name in FACTS if name in params}, "preset": example.id})


@require_safe
@requires(Capability.PLAN_MEETING)
def planner(request: SignedInRequest) -> HttpResponse:
    municipality = _municipality(request)
    if not has_meeting_rules(municipality):
        return _no_rules(request, municipality)
    examples = examples_for(municipality.pack_id)
    if "preset" in request.GET and "role" not in request.GET:
        for example in examples:
            if request.GET["preset"] == example.id:
                return redirect(f"{reverse('meetings:planner')}?{_query(example)}")
    form = MeetingForm(request.GET) if "role" in request.GET else MeetingForm(initial={"role": "host"})
    return _page(request, municipality, form)


def _page(
    request: HttpRequest, municipality: Municipality, form: MeetingForm, status: int = 200
) -> HttpResponse:
    examples = examples_for(municipality.pack_id)
    plan = plan_meeting(municipality, form.facts()) if form.is_bound and form.is_valid() else None
    context: dict[str, Any] = {
        "municipality": municipality,
        "pack": municipality.pack().pack,
        "rules": municipality.pack().pack.rules_name,
        "form": form,
        "plan": plan,
        "examples": examples,
        "preset": next((e for e in examples if e.id == request.GET.get("preset")), None),
        "query": request.GET.urlencode(),
    }
    if plan is not None and plan.hosting:
        context["invitation"] = invitation_text(plan, form.invitation())
    return render(request, "meetings/planner.html", context, status=status)


@require_safe
@requires(Capability.PLAN_MEETING)
def planner_pdf(request: SignedInRequest) -> HttpResponse:
    municipality = _municipality(request)
    try:
        form = MeetingForm(request.GET)
        if not form.is_valid():
            return _page(request, municipality, form, status=400)
        plan = plan_meeting(municipality, form.facts())
    except NoMeetingRules:
        return _no_rules(request, municipality, status=404)
    pdf = render_pdf(printed_plan(plan, form.invitation(), timezone.localdate()))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = _("web-conference-checklist") + ".pdf"
    # Opened in the browser, under its name (the header is None only for a nameless inline file).
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response
