"""Who may open which page and take which step: one table, read by the views, the API and the tests.

A person holds roles through memberships (kumokan.tenancy). The roles that act for one department
(DEPARTMENT_SCOPED: an applicant, a department head…) reach that department's objects only when the
membership names a department; every other role (the security manager, the chief, an auditor…) acts
for the whole municipality, whichever department the person sits in.
Objects outside what the memberships reach are 404; a page or step the roles do not grant is 403.
`can(user, capability, obj)` answers for one object what `scope` answers for a list.
The home page itself is open to every logged-in person and shows what the table grants them.

Two entries are not roles but whatever the municipality's pack names (rules live in the packs):
PACK_APPLICANT is the role a track names as applicant (Kitakyushu: 所属長 on the high track, 職員 on
the low one) besides kumokan's own applicant role; PACK_APPROVER is the role a track names as
approver (or the municipality's configured approver where the seed names none; a self-approval track
adds nobody, since submitting approves it). Beyond this table, each object has its own rule, enforced
by the actions: only the approver routing names decides a given application
(kumokan.applications.routing.may_decide), and a service manager manages only their own entries
(OWN_OBJECTS_ONLY, applied by `can`).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from kumokan.tenancy.access import memberships_of
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership, Municipality


class Capability(StrEnum):
    """What a page or a step lets a person do."""

    HOME = "home"  # any role at all: being a member of the municipality
    NOTIFICATIONS = "notifications"
    APPLY = "apply"  # start, edit, answer, submit and withdraw one's own applications
    VIEW_APPLICATIONS = "view_applications"  # other people's applications, in the membership's scope
    DECIDE = "decide"  # the approval queue and the decision page
    VIEW_LEDGER = "view_ledger"
    MANAGE_LEDGER = "manage_ledger"  # edit an entry and move it through its states
    PLAN_MEETING = "plan_meeting"  # the web-conference planner
    PLAN_PROCUREMENT = "plan_procurement"  # plan a procurement: survey, SLA, special-terms annex and answers
    VIEW_PROCUREMENT = (
        "view_procurement"  # read procurements in the membership's scope, and the reference pages
    )
    VIEW_CATALOG = "view_catalog"  # providers, services, certifications and ISMAP list imports
    MANAGE_CATALOG = "manage_catalog"  # record certifications and their evidence, import the ISMAP list
    REPORT_INCIDENT = "report_incident"  # report an incident on a service of the municipality
    ORDER_RECHECK = "order_recheck"  # order re-checks of a service or of every service of a provider
    # The re-check interval and incident procedure settings, and which revision of its packs is in force.
    CONFIGURE_LIFECYCLE = "configure_lifecycle"
    EXPORT_AUDIT = "export_audit"  # download the municipality's audit trail with its chain hashes
    MANAGE_WEBHOOKS = "manage_webhooks"  # the municipality's webhook subscriptions and their delivery log
    # Set the municipality up: its departments, approver setting and who holds which role, and link
    # accounts to their sign-in identities.
    ADMINISTER = "administer"
    IMPORT_LEDGER = "import_ledger"  # check and import a ledger file, and keep its column mapping


PACK_APPLICANT = "pack:applicant"
PACK_APPROVER = "pack:approver"
# Where the pack has a contractor submit the checklist (Kobe §5.3): the contractor role submits, and the
# pack's applying roles (情報管理者等) confirm what their department's contractors submitted.
PACK_CONTRACTOR = "pack:contractor"
PACK_CONTRACTOR_REVIEWER = "pack:contractor_reviewer"

EVERYONE = frozenset(Role.values)
DEPARTMENT_SCOPED = frozenset(
    {Role.APPLICANT, Role.STAFF, Role.DEPARTMENT_HEAD, Role.SERVICE_MANAGER, Role.CONTRACTOR}
)

PERMISSIONS: dict[Capability, frozenset[str]] = {
    Capability.HOME: EVERYONE,
    Capability.NOTIFICATIONS: EVERYONE,
    Capability.APPLY: frozenset({Role.APPLICANT, PACK_APPLICANT, PACK_CONTRACTOR}),
    Capability.VIEW_APPLICATIONS: frozenset(
        {
            Role.DEPARTMENT_HEAD,
            Role.SECURITY_MANAGER,
            Role.APPROVER,
            Role.CHIEF,
            Role.SERVICE_MANAGER,
            Role.SYSTEM_DEPARTMENT,
            Role.AUDITOR,
            Role.ADMINISTRATOR,
            PACK_APPROVER,
        }
    ),
    Capability.DECIDE: frozenset({PACK_APPROVER, PACK_CONTRACTOR_REVIEWER}),
    # Contractors use one service on the city's behalf; the city's register is not theirs to read.
    Capability.VIEW_LEDGER: EVERYONE - {Role.CONTRACTOR},
    Capability.MANAGE_LEDGER: frozenset({Role.SERVICE_MANAGER, Role.ADMINISTRATOR}),
    Capability.VIEW_CATALOG: EVERYONE - {Role.CONTRACTOR},
    # Those who judge providers against the selection conditions, and who keep the city's systems.
    Capability.MANAGE_CATALOG: frozenset(
        {Role.SECURITY_MANAGER, Role.APPROVER, Role.CHIEF, Role.SYSTEM_DEPARTMENT, Role.ADMINISTRATOR}
    ),
    # Every member of staff hosts or joins web conferences (Kitakyushu §6.1: 職員等).
    Capability.PLAN_MEETING: EVERYONE,
    # Osaka 第3章3: each section (各所属) prepares its own procurement.
    Capability.PLAN_PROCUREMENT: frozenset(
        {
            Role.APPLICANT,
            PACK_APPLICANT,
            Role.DEPARTMENT_HEAD,
            Role.SERVICE_MANAGER,
            Role.SYSTEM_DEPARTMENT,
            Role.ADMINISTRATOR,
        }
    ),
    Capability.VIEW_PROCUREMENT: frozenset(
        {
            Role.APPLICANT,
            PACK_APPLICANT,
            Role.DEPARTMENT_HEAD,
            Role.SERVICE_MANAGER,
            Role.SYSTEM_DEPARTMENT,
            Role.ADMINISTRATOR,
            Role.SECURITY_MANAGER,
            Role.APPROVER,
            Role.CHIEF,
            Role.AUDITOR,
            PACK_APPROVER,
        }
    ),
    # Kobe §6.1: incidents are reported by the service's users, whoever they are; not a contractor,
    # who sees none of the city's services (the form lists them) and reports to its 情報管理者等.
    Capability.REPORT_INCIDENT: EVERYONE - {Role.CONTRACTOR},
    # Kobe §6.3: the security manager orders re-checks; the chief governs every service.
    Capability.ORDER_RECHECK: frozenset({Role.SECURITY_MANAGER, Role.CHIEF}),
    Capability.CONFIGURE_LIFECYCLE: frozenset({Role.ADMINISTRATOR}),
    # The auditor checks the record independently of those who wrote it.
    Capability.EXPORT_AUDIT: frozenset({Role.AUDITOR}),
    # Which of the city's systems hear of its decisions is the city's system administration.
    Capability.MANAGE_WEBHOOKS: frozenset({Role.ADMINISTRATOR}),
    Capability.ADMINISTER: frozenset({Role.ADMINISTRATOR}),
    # An import writes many entries at once, in every department: the city-wide administrator.
    Capability.IMPORT_LEDGER: frozenset({Role.ADMINISTRATOR}),
}


def applying_roles(municipality: Municipality) -> set[str]:
    """The roles the municipality's pack names as applicant on any track."""
    tracks = municipality.pack().pack.tracks
    if tracks is None:
        return set()
    return {track.applicant.role.value for track in (tracks.high, tracks.low)}


def approving_roles(municipality: Municipality) -> set[str]:
    """The roles that decide some track's applications (the configured approver where the pack names none)."""
    tracks = municipality.pack().pack.tracks
    if tracks is None:
        return set()
    roles: set[str] = set()
    for track in (tracks.high, tracks.low):
        if track.self_approval:
            continue
        if track.approver is not None:
            roles.add(track.approver.role.value)
        elif municipality.configured_approver_role:
            roles.add(municipality.configured_approver_role)
    return roles


def granted_roles(capability: Capability, municipality: Municipality) -> set[str]:
    """The roles that grant `capability` in this municipality (the table with the pack's names filled in)."""
    entries = PERMISSIONS[capability]
    roles = {entry for entry in entries if entry in EVERYONE}
    if PACK_APPLICANT in entries:
        roles |= applying_roles(municipality)
    if PACK_APPROVER in entries:
        roles |= approving_roles(municipality)
    if PACK_CONTRACTOR in entries and accepts_contractor_submissions(municipality):
        roles.add(Role.CONTRACTOR.value)
    if PACK_CONTRACTOR_REVIEWER in entries and accepts_contractor_submissions(municipality):
        roles |= applying_roles(municipality) | {Role.APPLICANT.value}
    return roles


def accepts_contractor_submissions(municipality: Municipality) -> bool:
    """Whether the municipality's pack has contractors submit the checklist (finding contractor_submission)."""
    return any(finding.code == "contractor_submission" for finding in municipality.pack().pack.findings)


# The roles that act on an object only when it is their own: capability → role → the object's field
# naming its owner. A service manager manages the entries it is the manager of, not its department's.
OWN_OBJECTS_ONLY: dict[Capability, dict[str, str]] = {
    Capability.MANAGE_LEDGER: {Role.SERVICE_MANAGER: "service_manager_id"},
}


def can(user: Any, capability: Capability, obj: Any) -> bool:
    """Whether the user may exercise `capability` on `obj` (a row with `municipality` and `department`,
    or a Municipality itself for what concerns the whole municipality).

    The one answer to "may this person act on this object": the views, the API, the actions and the
    permission-matrix test all ask it. A membership counts in the object's municipality, in its
    department for the roles that act for one (as `scope` reaches them), and for the roles of
    OWN_OBJECTS_ONLY only on the objects that are the person's own.
    """
    municipality_id = obj.pk if isinstance(obj, Municipality) else obj.municipality_id
    department_id = getattr(obj, "department_id", None)
    owners = OWN_OBJECTS_ONLY.get(capability, {})
    for membership in memberships_granting(user, capability):
        if membership.municipality_id != municipality_id:
            continue
        if membership.role in DEPARTMENT_SCOPED and membership.department_id not in (None, department_id):
            continue
        owner = owners.get(membership.role)
        if owner is not None and getattr(obj, owner) != user.pk:
            continue
        return True
    return False


def memberships_granting(user: Any, capability: Capability) -> list[Membership]:
    """The user's memberships whose role grants `capability`."""
    if not user.is_authenticated or not user.is_active:
        return []
    granted: dict[int, set[str]] = {}
    found = []
    for membership in memberships_of(user):
        municipality = membership.municipality
        if municipality.pk not in granted:
            granted[municipality.pk] = granted_roles(capability, municipality)
        if membership.role in granted[municipality.pk]:
            found.append(membership)
    return found


def allows(user: Any, capability: Capability) -> bool:
    """Whether any of the user's roles grants `capability` somewhere."""
    return bool(memberships_granting(user, capability))


def scope(user: Any, capability: Capability, *, prefix: str = "") -> Q:
    """The objects (with `municipality` and `department` fields) the user reaches through `capability`.

    `prefix` reaches the fields through a relation, e.g. "application__".
    """
    reach = Q(pk__in=[])
    for membership in memberships_granting(user, capability):
        where = Q(**{f"{prefix}municipality": membership.municipality})
        if _department_of(membership) is not None:
            where &= Q(**{f"{prefix}department": membership.department})
        reach |= where
    return reach


def departments_reached(user: Any, capability: Capability, municipality: Any) -> set[int] | None:
    """The departments of `municipality` whose objects the user reaches through `capability`, as `scope`
    has it: None for the whole municipality, an empty set for none."""
    found: set[int] = set()
    for membership in memberships_granting(user, capability):
        if membership.municipality_id != municipality.pk:
            continue
        department = _department_of(membership)
        if department is None:
            return None
        found.add(department)
    return found


def _department_of(membership: Membership) -> int | None:
    """The department a membership's role is confined to, or None when it acts for the whole municipality."""
    return membership.department_id if membership.role in DEPARTMENT_SCOPED else None


def municipalities_granting(user: Any, capability: Capability) -> list[Municipality]:
    """The municipalities in which the user holds a role granting `capability`, by name."""
    found = {m.municipality.pk: m.municipality for m in memberships_granting(user, capability)}
    return sorted(found.values(), key=lambda m: m.name)


# A view: a request (HttpRequest or SignedInRequest) and its URL's arguments, answered with a page, a
# redirect or a file (FileResponse is no HttpResponse).
_Request = TypeVar("_Request", bound=HttpRequest)
_Arguments = ParamSpec("_Arguments")
_Response = TypeVar("_Response", bound=HttpResponseBase)
View = Callable[Concatenate[_Request, _Arguments], _Response]


def requires(
    *capabilities: Capability,
) -> Callable[[View[_Request, _Arguments, _Response]], View[_Request, _Arguments, _Response]]:
    """Guard a view: a login, then a role granting one of `capabilities` (403 otherwise).

    The view keeps `capabilities` as an attribute so the permission-matrix test finds every guarded view.
    """

    def decorate(view: View[_Request, _Arguments, _Response]) -> View[_Request, _Arguments, _Response]:
        @wraps(view)
        def guarded(request: _Request, /, *args: _Arguments.args, **kwargs: _Arguments.kwargs) -> _Response:
            if not any(allows(request.user, capability) for capability in capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # An attribute of the function itself (wraps copies the view's, login_required copies this one).
        guarded.__dict__["capabilities"] = capabilities
        return login_required(guarded)

    return decorate
