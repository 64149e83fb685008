"""GET /me: whom the token acts as, and the roles that user holds where."""

from __future__ import annotations

from ninja import Router, Schema

from kumokan.api.schemas import errors
from kumokan.core.actors import SignedInRequest, display_name
from kumokan.tenancy.access import role_titles
from kumokan.tenancy.models import Membership

router = Router(tags=["me"])


class MembershipOut(Schema):
    municipality: str
    municipality_name: str
    department: str | None
    department_name: str | None
    role: str
    role_title: str


class MeOut(Schema):
    username: str
    name: str
    memberships: list[MembershipOut]


@router.get("", response={200: MeOut, **errors(401, 403)}, summary="The token's user", operation_id="me")
def me(request: SignedInRequest) -> MeOut:
    memberships = Membership.objects.filter(user=request.user).select_related("municipality", "department")
    titles = {}
    rows = []
    for membership in memberships.order_by("municipality__slug", "department__code", "role"):
        municipality = membership.municipality
        if municipality.pk not in titles:
            titles[municipality.pk] = role_titles(municipality)
        department = membership.department
        rows.append(
            MembershipOut(
                municipality=municipality.slug,
                municipality_name=municipality.name,
                department=department.code if department else None,
                department_name=department.name if department else None,
                role=membership.role,
                role_title=titles[municipality.pk][membership.role],
            )
        )
    return MeOut(username=request.user.get_username(), name=display_name(request.user), memberships=rows)
