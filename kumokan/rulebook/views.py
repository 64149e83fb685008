"""The rulebook: the rules of the user's municipality, every rule under its clause, searchable."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from kumokan.core.permissions import Capability, municipalities_granting, requires
from kumokan.policy import PackError, load_pack
from kumokan.rulebook.rules import rulebook


def _readable_packs(request: HttpRequest) -> list[str]:
    """The packs of the municipalities where the user holds a role: their own rules and overlays."""
    found: list[str] = []
    for municipality in municipalities_granting(request.user, Capability.HOME):
        found.extend(p for p in municipality.pack_ids() if p not in found)
    return found


@require_safe
@requires(Capability.HOME)
def index(request: HttpRequest) -> HttpResponse:
    return redirect("rulebook:pack", _readable_packs(request)[0])


@require_safe
@requires(Capability.HOME)
def pack(request: HttpRequest, pack_id: str) -> HttpResponse:
    packs = _readable_packs(request)
    if pack_id not in packs:
        raise Http404
    try:
        loaded = load_pack(pack_id)
    except PackError as exc:
        raise Http404 from exc
    query = request.GET.get("q", "")[:200]
    others = []
    for other in packs:
        if other != pack_id:
            try:
                others.append((other, load_pack(other).pack.rules_name))
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
