"""The values the municipality's rules leave open."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_on_form
from kumokan.lifecycle.actions.configuration import configure_lifecycle
from kumokan.lifecycle.forms import (
    SettingsForm,
)
from kumokan.lifecycle.schedule import settings_for
from kumokan.tenancy.permissions import Capability, municipalities_granting, requires


@requires(Capability.CONFIGURE_LIFECYCLE)
def lifecycle_settings(request: SignedInRequest) -> HttpResponse:
    municipalities = municipalities_granting(request.user, Capability.CONFIGURE_LIFECYCLE)
    municipality = next((m for m in municipalities if m.slug == request.GET.get("m")), municipalities[0])
    current = settings_for(municipality)
    form = SettingsForm(
        request.POST or None,
        initial={
            "default_recheck_interval_months": current.default_recheck_interval_months,
            "reminder_days": current.reminder_days,
            "triggered_recheck_days": current.triggered_recheck_days,
            "incident_procedure": current.incident_procedure,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as attempt:
            configure_lifecycle(acting_user=request.user, municipality=municipality, **form.cleaned_data)
        if not attempt.refused:
            messages.success(request, _("The settings are saved."))
            return redirect(f"{reverse('lifecycle:settings')}?m={municipality.slug}")
    return render(request, "lifecycle/settings.html", {"form": form, "municipality": municipality})
