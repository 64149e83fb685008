"""The rulebook: the rules of the user's municipality, every rule under its clause, searchable."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from kumokan.core.actors import SignedInRequest
from kumokan.policy import PackError
from kumokan.rulebook.rules import rulebook
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, municipalities_granting, requires


def _readable_packs(request: SignedInRequest) -> dict[str, Municipality]:
    """The packs of the municipalities where the user holds a role (their own rules and overlays), each
    with the first of those municipalities, whose text in force the rulebook shows."""
    found: dict[str, Municipality] = {}
    for municipality in municipalities_granting(request.user, Capability.HOME):
        for pack_id in municipality.pack_ids():
            found.setdefault(pack_id, municipality)
    return found


@require_safe
@requires(Capability.HOME)
def index(request: SignedInRequest) -> HttpResponse:
    return redirect("rulebook:pack", next(iter(_readable_packs(request))))


@require_safe
@requires(Capability.HOME)
def pack(request: SignedInRequest, pack_id: str) -> HttpResponse:
    packs = _readable_packs(request)
    if pack_id not in packs:
        raise Http404
    try:
        loaded = packs[pack_id].pack_in_force(pack_id)
    except PackError as exc:
        raise Http404 from exc
    query = request.GET.get("q", "")[:200]
    others = []
    for other, municipality in packs.items():
        if other != pack_id:
            try:
                others.append((other, municipality.pack_in_force(other).pack.rules_name))
            except PackError:
                continue
    return render(
        request,
        "rulebook/pack.html",
        {
            "pack": loaded.pack,
            "clauses": rulebook(loaded.pack, query),
            "query": query,
            "others": others,
        },
    )
