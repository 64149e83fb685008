"""The catalogue on the web: providers and their services, certifications with their evidence, ISMAP list imports.

Each view fetches its object for the user (catalog.access), parses input with a form, calls one action
(catalog.actions) and renders; who may do what is kumokan.tenancy.permissions' table.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kumokan.audit.models import AuditEvent
from kumokan.catalog.access import (
    catalog_municipalities,
    certification_for,
    evidence_for,
    import_for,
    imports_for,
    may_manage,
    provider_for,
    providers_for,
)
from kumokan.catalog.actions import certifications as certifications_actions
from kumokan.catalog.actions.certifications import add_certification, add_certification_evidence
from kumokan.catalog.actions.ismap_import import (
    commit_ismap_import,
    discard_ismap_import,
    read_ismap_list_dry_run,
)
from kumokan.catalog.choices import ISMAP_KINDS, ImportStatus
from kumokan.catalog.forms import CertificationForm, EvidenceForm, IsmapUploadForm, RenewalForm, WithdrawForm
from kumokan.catalog.models import Certification
from kumokan.core.actors import SignedInRequest
from kumokan.core.private_files import attachment
from kumokan.core.refusals import refusal_as_message, refusal_on_form, show_on_form
from kumokan.errors import WorkflowError
from kumokan.tenancy.permissions import Capability, allows, requires

# Errors of the certification actions that belong to one field of the form.
_CERTIFICATION_FIELDS = {
    "audit_period_not_ismap": "audit_period_end",
    "report_period": "report_period_end",
    "valid_until_by_rule": "valid_until",
    "service": "services",
    "duplicate": "registration_number",
    "kind": "kind",
}


@requires(Capability.VIEW_CATALOG)
def provider_list(request: SignedInRequest) -> HttpResponse:
    providers = (
        providers_for(request.user)
        .annotate(service_count=Count("services", distinct=True))
        .prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.order_by("kind", "-valid_until"))
        )
        .order_by("municipality__name", "name")
    )
    return render(
        request,
        "catalog/provider_list.html",
        {"providers": providers, "may_import": allows(request.user, Capability.MANAGE_CATALOG)},
    )


@requires(Capability.VIEW_CATALOG)
def provider_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    provider = provider_for(request.user, pk)
    return render(
        request,
        "catalog/provider_detail.html",
        {
            "provider": provider,
            "services": provider.services.order_by("name", "function_name"),
            "certifications": provider.certifications.prefetch_related("services").order_by(
                "kind", "-valid_until"
            ),
            "may_manage": may_manage(request.user, provider.municipality),
            "may_apply": allows(request.user, Capability.APPLY),
        },
    )


@requires(Capability.MANAGE_CATALOG)
def new_certification(request: SignedInRequest, pk: int) -> HttpResponse:
    provider = provider_for(request.user, pk)
    if not may_manage(request.user, provider.municipality):
        raise PermissionDenied
    form = CertificationForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form, fields=_CERTIFICATION_FIELDS) as attempt:
            certification = add_certification(
                acting_user=request.user, provider=provider, kind=form.cleaned_data["kind"], **form.values()
            )
        if not attempt.refused:
            messages.success(request, _("The certification is recorded."))
            return redirect(certification)
    return render(request, "catalog/certification_form.html", {"form": form, "provider": provider})


@requires(Capability.VIEW_CATALOG)
def certification_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    certification = certification_for(request.user, pk)
    history = AuditEvent.objects.filter(
        target_type=Certification._meta.label_lower, target_id=str(certification.pk)
    ).order_by("id")
    today = timezone.localdate()
    return render(
        request,
        "catalog/certification_detail.html",
        {
            "certification": certification,
            "provider": certification.provider,
            "services": certification.services.order_by("name"),
            "evidence": certification.evidence.select_related("uploaded_by"),
            "history": history,
            "may_manage": may_manage(request.user, certification.provider.municipality),
            "is_ismap": certification.kind in ISMAP_KINDS,
            "renewal_form": RenewalForm(initial={"applied_on": today}),
            "withdraw_form": WithdrawForm(initial={"withdrawn_on": today}),
            "evidence_form": EvidenceForm(),
        },
    )


@requires(Capability.MANAGE_CATALOG)
def edit_certification(request: SignedInRequest, pk: int) -> HttpResponse:
    certification = _managed(request, pk)
    provider = certification.provider
    form = CertificationForm(
        request.POST or None, provider=provider, initial=CertificationForm.initial_for(certification)
    )
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            certifications_actions.edit_certification(
                acting_user=request.user,
                certification=certification,
                changes={
                    name: form.cleaned_data[name]
                    for name in form.changed_data
                    if name not in ("kind", "version")
                },
                expected_version=form.cleaned_data["version"],
            )
        except WorkflowError as exc:
            if exc.code != "unchanged":
                show_on_form(form, exc, fields=_CERTIFICATION_FIELDS)
            else:
                return redirect(certification)
        else:
            messages.success(request, _("The certification is changed."))
            return redirect(certification)
    return render(
        request,
        "catalog/certification_form.html",
        {"form": form, "provider": provider, "certification": certification},
    )


@require_POST
@requires(Capability.MANAGE_CATALOG)
def apply_for_renewal(request: SignedInRequest, pk: int) -> HttpResponse:
    certification = _managed(request, pk)
    form = RenewalForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request) as attempt:
            certifications_actions.apply_for_renewal(
                acting_user=request.user,
                certification=certification,
                applied_on=form.cleaned_data["applied_on"],
            )
        if not attempt.refused:
            messages.success(
                request,
                _("The pending renewal is recorded: the registration stays valid until it is decided."),
            )
    else:
        messages.error(request, _("Give the day the renewal was applied for."))
    return redirect(certification)


@require_POST
@requires(Capability.MANAGE_CATALOG)
def withdraw_certification(request: SignedInRequest, pk: int) -> HttpResponse:
    certification = _managed(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request) as attempt:
            certifications_actions.withdraw_certification(
                acting_user=request.user, certification=certification, **form.cleaned_data
            )
        if not attempt.refused:
            messages.success(
                request,
                _("The certification is withdrawn; the services approved on it are to be re-checked."),
            )
    else:
        messages.error(request, _("Give the day and the reason of the withdrawal."))
    return redirect(certification)


@require_POST
@requires(Capability.MANAGE_CATALOG)
def add_evidence(request: SignedInRequest, pk: int) -> HttpResponse:
    certification = _managed(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        add_certification_evidence(
            acting_user=request.user, certification=certification, file=form.cleaned_data["file"]
        )
        messages.success(request, _("The evidence is kept."))
    else:
        for error in form.errors.get("file", []):
            messages.error(request, str(error))  # an ErrorList yields its messages as str
    return redirect(certification)


@requires(Capability.VIEW_CATALOG)
def evidence(request: SignedInRequest, pk: int, evidence_pk: int) -> FileResponse:
    """An evidence file, to whoever may see the catalogue (the files are served by no other URL)."""
    kept = evidence_for(request.user, pk, evidence_pk)
    return attachment(kept.file, kept.file_name)


@requires(Capability.MANAGE_CATALOG)
def import_list(request: SignedInRequest) -> HttpResponse:
    municipalities = catalog_municipalities(request.user, Capability.MANAGE_CATALOG)
    form = IsmapUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with refusal_on_form(form, "file") as attempt:
            ismap_import = read_ismap_list_dry_run(
                acting_user=request.user,
                municipality=municipalities[0],
                kind=form.cleaned_data["kind"],
                file=upload,
                file_name=upload.name,
            )
        if not attempt.refused:
            return redirect(ismap_import)
    return render(
        request,
        "catalog/import_list.html",
        {"form": form, "imports": imports_for(request.user).order_by("-created_at", "-id")[:50]},
    )


@requires(Capability.MANAGE_CATALOG)
def import_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    ismap_import = import_for(request.user, pk)
    return render(
        request,
        "catalog/import_detail.html",
        {
            "ismap_import": ismap_import,
            "report": ismap_import.report,
            "open": ismap_import.status == ImportStatus.DRY_RUN,
        },
    )


@require_POST
@requires(Capability.MANAGE_CATALOG)
def commit_import(request: SignedInRequest, pk: int) -> HttpResponse:
    ismap_import = import_for(request.user, pk)
    with refusal_as_message(request) as attempt:
        commit_ismap_import(acting_user=request.user, ismap_import=ismap_import)
    if not attempt.refused:
        messages.success(request, _("The list is imported."))
    return redirect(ismap_import)


@require_POST
@requires(Capability.MANAGE_CATALOG)
def discard_import(request: SignedInRequest, pk: int) -> HttpResponse:
    ismap_import = import_for(request.user, pk)
    with refusal_as_message(request) as attempt:
        discard_ismap_import(acting_user=request.user, ismap_import=ismap_import)
    if not attempt.refused:
        messages.success(request, _("The dry run is discarded."))
    return redirect("catalog:imports")


def _managed(request: SignedInRequest, pk: int) -> Certification:
    """A certification of a municipality whose catalogue the user keeps (403 for one they may only see)."""
    certification = certification_for(request.user, pk)
    if not may_manage(request.user, certification.provider.municipality):
        raise PermissionDenied
    return certification
