"""Who acts where: the municipalities, departments and roles of a user, and each city's titles for roles."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext

from kumokan.errors import reads_english, words_in_both
from kumokan.policy import PolicyError
from kumokan.policy.pack import Designation, Pack
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality, StaffTitle

# Memberships are read once per user object (one request: Django loads request.user afresh for each)
# and read again whenever a membership was saved or deleted in this process since, so that a check
# after a change of roles never answers from before it. A page asks about roles a dozen times.
_MEMBERSHIP_CHANGES = itertools.count()
_membership_generation = next(_MEMBERSHIP_CHANGES)
MEMO = "_kumokan_memberships"


def _memberships_changed(**kwargs: Any) -> None:
    global _membership_generation
    _membership_generation = next(_MEMBERSHIP_CHANGES)


post_save.connect(_memberships_changed, sender=Membership, dispatch_uid="kumokan.tenancy.memberships")
post_delete.connect(_memberships_changed, sender=Membership, dispatch_uid="kumokan.tenancy.memberships")


def memberships_of(user: Any) -> list[Membership]:
    """All the user's memberships with their municipality and department (memoised on the user object)."""
    memo = user.__dict__.get(MEMO)
    if memo is None or memo[0] != _membership_generation:
        memberships = list(Membership.objects.filter(user=user).select_related("municipality", "department"))
        memo = (_membership_generation, memberships)
        user.__dict__[MEMO] = memo
    return list(memo[1])


def municipalities_of(user: Any) -> QuerySet[Municipality]:
    """The municipalities in which the user holds any role."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    return Municipality.objects.filter(memberships__user=user).distinct()


def departments_of(user: Any, municipality: Municipality, role: str | None = None) -> QuerySet[Department]:
    """The departments of this municipality in which the user holds a role (this one, if given)."""
    if not user.is_authenticated:
        return Department.objects.none()
    memberships = Membership.objects.filter(user=user, municipality=municipality)
    if role is not None:
        memberships = memberships.filter(role=role)
    return Department.objects.filter(pk__in=memberships.values("department")).order_by("code")


def roles_of(user: Any, municipality: Municipality) -> set[str]:
    """Every role the user holds in this municipality, in any department."""
    if not user.is_authenticated:
        return set()
    return {m.role for m in memberships_of(user) if m.municipality_id == municipality.pk}


def has_role(user: Any, municipality: Municipality, role: str, department: Department | None = None) -> bool:
    """Whether the user holds `role` in this municipality.

    Without `department`, a membership in any department (or city-wide) counts; with one, only a
    membership in exactly that department does (a department head heads one department).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return any(
        m.municipality_id == municipality.pk
        and m.role == role
        and (department is None or m.department_id == department.pk)
        for m in memberships_of(user)
    )


def users_with_role(
    municipality: Municipality, role: str, department: Department | None = None
) -> QuerySet[Any]:
    """The active users holding `role` in this municipality (in exactly `department`, if given)."""
    memberships = Membership.objects.filter(municipality=municipality, role=role)
    if department is not None:
        memberships = memberships.filter(department=department)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user"))
        .order_by("username")
    )


def staff_members(municipality: Municipality, *, besides: tuple[str, ...] = ()) -> QuerySet[Any]:
    """The municipality's own active staff: people holding a role there other than contractor (and other
    than the roles `besides` names), by name.

    A contractor works on the city's behalf but is no official of it (Kobe §5.3: the 情報管理者等
    confirm what it submits); a person of another municipality is not staff here at all.
    """
    staff = Membership.objects.filter(municipality=municipality).exclude(role__in=(Role.CONTRACTOR, *besides))
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=staff.values("user"))
        .order_by("last_name", "first_name", "username")
    )


def is_staff_member(user: Any, municipality: Municipality) -> bool:
    """Whether `user` is among staff_members(municipality)."""
    return staff_members(municipality).filter(pk=user.pk).exists()


def eligible_service_managers(
    municipality: Municipality, department: Department | None = None, track: str | None = None
) -> QuerySet[Any]:
    """The people who may be designated service manager of an entry of this municipality.

    The one rule the edit form offers, the API accepts and the ledger and approval actions enforce.
    Always among its staff: a designation grants a department's service-manager role, so a person of
    another municipality (the tenant boundary) or a mere contractor (the role would open the whole
    department's ledger; a contractor's own submission is managed by whoever confirmed it,
    kumokan.applications.routing) is never eligible. For an entry of `department` on `track`, only
    those the pack's rule for that track allows (service_manager_roles): e.g. Amagasaki's 課室長等 of
    the owning department ((２以上)3⑷), Kobe's 情報管理者等 (5.2.1③, 5.2.2②).
    """
    staff = staff_members(municipality)
    roles = service_manager_roles(municipality, track) if track is not None else None
    if department is None or roles is None:
        return staff
    holders = Membership.objects.filter(municipality=municipality, role__in=roles).filter(
        Q(department=department) | Q(department__isnull=True)
    )
    return staff.filter(pk__in=holders.values("user"))


def is_eligible_service_manager(
    user: Any, municipality: Municipality, department: Department | None = None, track: str | None = None
) -> bool:
    """Whether `user` is among eligible_service_managers(municipality, department, track)."""
    return eligible_service_managers(municipality, department, track).filter(pk=user.pk).exists()


def service_manager_roles(municipality: Municipality, track: str) -> set[str] | None:
    """The roles from which the pack's designation rule for `track` takes the service manager, held in
    the entry's department (or city-wide); None where the rule sets no limit among the staff
    (designated_by_approver: Kitakyushu 5.2(1)③ names none; unspecified: Osaka)."""
    tracks = municipality.pack().pack.tracks
    if tracks is None:
        return None
    rules = tracks.high if track == "high" else tracks.low
    designation = rules.service_manager.designation
    if designation == Designation.OWNING_DEPARTMENT_HEAD:
        return {Role.DEPARTMENT_HEAD.value}
    if designation == Designation.APPLICANT:
        return roles_applying_as(rules.applicant.role.value)
    if designation == Designation.APPROVER:
        role = rules.approver.role.value if rules.approver else municipality.configured_approver_role
        return roles_applying_as(role) if role else None
    return None


def roles_applying_as(role: str) -> set[str]:
    """The roles that act as the pack's `role` does when it names who applies or who manages: where that
    is its 職員 (staff), kumokan's applicant role too, since its holders are staff; otherwise the role
    alone (Kitakyushu 5.2(1)①: where the 所属長 applies, a plain applicant does not)."""
    return {role, Role.APPLICANT.value} if role == Role.STAFF else {role}


def role_titles(municipality: Municipality) -> dict[str, str]:
    """Each role's title in this city (from its pack), falling back to kumokan's generic label."""
    titles = _pack_titles(municipality.pack().pack)
    if municipality.configured_approver_title and municipality.configured_approver_role:
        titles.setdefault(municipality.configured_approver_role, municipality.configured_approver_title)
    named = set(titles.values())
    return {role.value: titles.get(role.value) or _unnamed(str(role.label), named) for role in Role}


def _unnamed(label: str, named: set[str]) -> str:
    """The generic label of a role the city's rules do not name, told apart from a title they give another
    role (Amagasaki's 情報セキュリティ管理者 applies, （２以上）4.2（１）; its rules name no one for kumokan's
    security manager, who would read the same): never a title the rules do not give."""
    if label not in named:
        return label
    return gettext("%(role)s (not named in the city's rules)") % {"role": label}


def role_title(municipality: Municipality, role: str) -> str:
    """The city's own title for one role, e.g. 情報セキュリティ管理者 for security_manager in Kobe."""
    return role_titles(municipality)[role]


def role_label(municipality: Municipality, role: str) -> str:
    """A role as a person reads it where roles are listed: the city's own title in Japanese (Kobe's
    外部サービス管理者), kumokan's label in English (the packs give no English titles)."""
    if not reads_english():
        try:
            return role_title(municipality, role)
        except PolicyError:  # its pack cannot be read: the label, as tenancy.vocabulary does
            pass
    return str(Role(role).label)


def roles_in_sentence(municipality: Municipality, *roles: str) -> dict[str, str]:
    """Roles as a refusal's parameters, by role: the city's titles in Japanese (Kobe's 情報セキュリティ最高責任者
    （CISO）), kumokan's labels in lower case in English, read in the language active when shown."""
    return words_in_both(lambda: {str(role): role_label(municipality, role) for role in roles})


def department_name(user: Any, municipality: Municipality, role: str | None = None) -> str:
    """The name of the department where the user holds `role` (any role if None), or "" if city-wide."""
    departments = departments_of(user, municipality, role)
    return "、".join(d.name for d in departments)


def _pack_titles(pack: Pack) -> dict[str, str]:
    """Titles the pack gives: its role list first, then the people its tracks and workflow name."""
    titles = {entry.role.value: entry.title for entry in pack.roles}
    if pack.tracks is not None:
        for track in (pack.tracks.high, pack.tracks.low):
            titles.setdefault(track.applicant.role.value, track.applicant.title)
            if track.approver is not None:
                titles.setdefault(track.approver.role.value, track.approver.title)
            titles.setdefault(Role.SERVICE_MANAGER.value, track.service_manager.title)
    reported_to = pack.workflow.ledger_changes_reported_to
    if reported_to is not None:
        titles.setdefault(reported_to.role.value, reported_to.title)
    return titles


def own_title(user: Any, municipality: Municipality) -> str:
    """The person's own title (職名) in this municipality, "" when none is recorded.

    Never a role's title: a role is what the rules expect of the person (申請者, 情報管理者等), not
    what the city calls them, so a form or a ledger prints a blank rather than a role (issue 17 point 4).
    """
    if not getattr(user, "pk", None):
        return ""
    found = StaffTitle.objects.filter(user=user, municipality=municipality).values_list("title", flat=True)
    return next(iter(found), "")
