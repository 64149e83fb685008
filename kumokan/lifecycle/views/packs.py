"""The municipality's pack versions: the rules in force, a revision previewed and adopted, an old text returned to."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_as_message
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.lifecycle.forms import (
    PackAdoptForm,
    PackUploadForm,
)
from kumokan.lifecycle.revisions import change_words, preview_revision
from kumokan.policy import text_digest
from kumokan.tenancy.models import Municipality, PackAdoption, PackVersion
from kumokan.tenancy.permissions import Capability, municipalities_granting, requires


def _administered(request: SignedInRequest) -> Municipality:
    municipalities = municipalities_granting(request.user, Capability.CONFIGURE_LIFECYCLE)
    wanted = request.GET.get("m") or request.POST.get("m")
    return next((m for m in municipalities if m.slug == wanted), municipalities[0])


@requires(Capability.CONFIGURE_LIFECYCLE)
def packs(request: SignedInRequest) -> HttpResponse:
    """The versions of the municipality's packs and their adoptions, and the upload of a revision to preview."""
    municipality = _administered(request)
    form = PackUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _pack_preview(request, municipality, form.cleaned_data["file"])
    versions = list(PackVersion.objects.filter(municipality=municipality).select_related("adopted_by"))
    in_force = {municipality.adopted_version(pack_id) for pack_id in municipality.pack_ids()}
    adoptions = PackAdoption.objects.filter(municipality=municipality).select_related(
        "version", "previous", "adopted_by"
    )
    return render(
        request,
        "lifecycle/packs.html",
        {
            "municipality": municipality,
            "form": form,
            "versions": [(version, version in in_force) for version in versions],
            "adoptions": adoptions.order_by("-id")[:100],
        },
    )


@require_POST
@requires(Capability.CONFIGURE_LIFECYCLE)
def pack_return(request: SignedInRequest, pk: int) -> HttpResponse:
    """What going back to an adopted version would do; adopting it again is confirmed on that page."""
    version = get_object_or_404(
        PackVersion.objects.select_related("municipality"),
        pk=pk,
        municipality__in=municipalities_granting(request.user, Capability.CONFIGURE_LIFECYCLE),
    )
    return _pack_preview(request, version.municipality, version.text)


def _pack_preview(request: SignedInRequest, municipality: Municipality, text: str) -> HttpResponse:
    preview = preview_revision(acting_user=request.user, municipality=municipality, text=text)
    return render(
        request,
        "lifecycle/pack_preview.html",
        {
            "municipality": municipality,
            "preview": preview,
            "items": [change_words(c) for c in preview.diff.items] if preview.diff else [],
            "rechecks": [change_words(c) for c in preview.diff.rechecks] if preview.diff else [],
            "affected": [(e, [change_words(c) for c in cs]) for e, cs in preview.affected],
            "adopt_form": PackAdoptForm(initial=PackAdoptForm.initial_for(preview.text, preview.digest)),
        },
    )


@require_POST
@requires(Capability.CONFIGURE_LIFECYCLE)
def pack_adopt(request: SignedInRequest) -> HttpResponse:
    municipality = _administered(request)
    form = PackAdoptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The revision to adopt was not sent; upload it again."))
        return redirect(f"{reverse('lifecycle:packs')}?m={municipality.slug}")
    text = form.cleaned_data["text"]
    if text_digest(text) != form.cleaned_data["digest"]:
        messages.error(request, _("The revision changed after its preview; upload it again."))
        return redirect(f"{reverse('lifecycle:packs')}?m={municipality.slug}")
    with refusal_as_message(request) as attempt:
        version, rechecks = adopt_pack_version(acting_user=request.user, municipality=municipality, text=text)
    if attempt.refused:
        return redirect(f"{reverse('lifecycle:packs')}?m={municipality.slug}")
    messages.success(
        request,
        _("Adopted %(pack)s %(version)s: %(count)d re-checks opened.")
        % {"pack": version.pack_id, "version": version.version, "count": len(rechecks)},
    )
    return redirect(f"{reverse('lifecycle:packs')}?m={municipality.slug}")


@require_safe
@requires(Capability.CONFIGURE_LIFECYCLE)
def pack_version(request: SignedInRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(
        PackVersion.objects.select_related("municipality", "adopted_by"),
        pk=pk,
        municipality__in=municipalities_granting(request.user, Capability.CONFIGURE_LIFECYCLE),
    )
    return render(request, "lifecycle/pack_version.html", {"version": version})
