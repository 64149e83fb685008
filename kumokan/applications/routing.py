"""Who decides an application and who becomes its service manager, as the judged pack says.

The approver is the pack's approver role for the judged track in the applicant's municipality (or the
municipality's configured approver where the seed names none); a department head decides only for
their own department. Kobe's low track approves itself (self_approval).

A contractor's submission (Kobe §5.3: the contractor submits the requirement sheet and the 情報管理者等
confirm that it is met) is decided by those who hold the applying role in the commissioning department,
never by the contractor, and the one who confirms it becomes its service manager.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.applications.models import Application, JudgmentSnapshot
from kumokan.core.actors import display_name
from kumokan.core.citations import citation
from kumokan.errors import WorkflowError
from kumokan.policy import Judgment
from kumokan.policy.pack import Designation
from kumokan.tenancy.access import has_role, is_eligible_service_manager, roles_applying_as, users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality
from kumokan.tenancy.vocabulary import in_sentence

# CONTRACT.md's finding when a contractor uses the service and the pack makes it submit the checklist.
CONTRACTOR_FINDING = "contractor_submission"


def resolve_approver(municipality: Municipality, judgment: Judgment) -> tuple[str | None, str]:
    """(role, title) of whoever decides under this judgment; role None when nobody is configured."""
    approver = judgment.get("approver")
    if approver is None:
        return None, ""
    if approver.get("configured"):
        # The engine only knows the configured title; the role is the municipality's setting.
        return municipality.configured_approver_role, approver["title"]
    return approver["role"], approver["title"]


def may_decide(user: Any, application: Application, snapshot: JudgmentSnapshot) -> bool:
    """Whether `user` may approve, reject or return this application under this judgment."""
    if not user.is_authenticated or not user.is_active:
        return False
    if application.submitted_by_contractor:
        return contractor_reviewers(application, snapshot).filter(pk=user.pk).exists()
    if snapshot.self_approval:
        return bool(user.pk == application.applicant_id)
    role = snapshot.approver_role
    if role is None or user.pk == application.applicant_id:
        # Nobody decides their own application unless the pack says so (self_approval).
        return False
    department = application.department if role == Role.DEPARTMENT_HEAD else None
    return has_role(user, application.municipality, role, department)


def approvers(application: Application, snapshot: JudgmentSnapshot) -> QuerySet[Any]:
    """Everyone who may decide this application (the applicant alone on a self-approval track)."""
    role = snapshot.approver_role
    if application.submitted_by_contractor:
        return contractor_reviewers(application, snapshot)
    if snapshot.self_approval:
        return get_user_model().objects.filter(pk=application.applicant_id)
    if role is None:
        return get_user_model().objects.none()
    department = application.department if role == Role.DEPARTMENT_HEAD else None
    return users_with_role(application.municipality, role, department).exclude(pk=application.applicant_id)


def applying_roles(judgment: Judgment) -> set[str]:
    """The roles that apply under this judgment: the role the pack names as the track's applicant
    (tenancy.access.roles_applying_as: Kitakyushu 5.2(1)①'s 所属長 alone on the 重要情報資産 track)."""
    return roles_applying_as(str(judgment["applicant"]["role"]))


def _applies_on_some_track(user: Any, department: Department) -> bool:
    """Whether `user` holds in `department` a role that applies on one of the pack's tracks."""
    tracks = department.municipality.pack().pack.tracks
    if tracks is None:
        return False
    roles = {Role.APPLICANT.value}
    for track in (tracks.high, tracks.low):
        roles |= roles_applying_as(track.applicant.role.value)
    return Membership.objects.filter(
        user=user, municipality_id=department.municipality_id, department=department, role__in=roles
    ).exists()


def applicants(department: Department, judgment: Judgment) -> QuerySet[Any]:
    """Everyone who may apply in `department` under this judgment (not as a contractor), by username."""
    memberships = Membership.objects.filter(
        municipality_id=department.municipality_id, department=department, role__in=applying_roles(judgment)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user"))
        .order_by("username")
    )


def may_apply(user: Any, department: Department, judgment: Judgment, *, contractor: bool = False) -> bool:
    """Whether `user` may apply in `department` under this judgment: see applying_roles.

    With `contractor`: whether the user may submit as the department's contractor, which needs the
    contractor role there and facts for which the pack has the contractor submit the checklist.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if contractor:
        roles = {Role.CONTRACTOR.value} if contractor_submits(judgment) else set()
    else:
        roles = applying_roles(judgment)
    return Membership.objects.filter(
        user=user, municipality_id=department.municipality_id, department=department, role__in=roles
    ).exists()


def check_may_apply(user: Any, department: Department, judgment: Judgment, *, contractor: bool) -> None:
    """Refuse `user` unless may_apply: a WorkflowError citing the pack's clause when the user applies
    in `department` on another track (these facts put the use on a track someone else applies for),
    else PermissionDenied (no applying role here, or a contractor where none submits)."""
    if may_apply(user, department, judgment, contractor=contractor):
        return
    if not contractor and user.is_active and _applies_on_some_track(user, department):
        raise not_the_applicant(department, judgment)
    raise PermissionDenied(_("You have no role that may apply for this department."))


def not_the_applicant(department: Department, judgment: Judgment) -> WorkflowError:
    """The refusal when someone who applies elsewhere is not the applicant this judgment's track names,
    citing the pack's clause (e.g. Kitakyushu 5.2(1)①: on the 重要情報資産 track the 所属長 applies)."""
    applicant = judgment["applicant"]
    title = applicant["title"]
    found = citation(applicant["source"])
    cited = found.text if found else ""
    label = judgment.get("track_label") or judgment["track"]
    return WorkflowError(
        gettext_lazy(
            "on this track (%(label)s) the application is made by the %(title)s (%(cited)s); you are "
            "not registered as the %(title)s of %(name)s, so you cannot apply for this use: ask the "
            "%(title)s to apply"
        ),
        code="not_applicant",
        params={"cited": cited, "name": department.name, "label": label, "title": title},
    )


def contractor_submits(judgment: Judgment) -> bool:
    """Whether the judged pack has a contractor submit the checklist for these facts (Kobe §5.3)."""
    return any(finding["code"] == CONTRACTOR_FINDING for finding in judgment["findings"])


def contractor_reviewers(application: Application, snapshot: JudgmentSnapshot) -> QuerySet[Any]:
    """Who confirms a contractor's submission: the applying roles of the commissioning department."""
    roles = applying_roles(snapshot.judgment) | {Role.APPLICANT.value}
    memberships = Membership.objects.filter(
        municipality_id=application.municipality_id, department_id=application.department_id, role__in=roles
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user"))
        .exclude(pk=application.applicant_id)
        .order_by("username")
    )


def approves_itself(application: Application, snapshot: JudgmentSnapshot) -> bool:
    """Submitting approves at once (Kobe §5.2.2②), except a contractor's submission, which is confirmed."""
    return snapshot.self_approval and not application.submitted_by_contractor


def decider_title(application: Application, snapshot: JudgmentSnapshot) -> str:
    """The title under which the application is decided (the 情報管理者等 for a contractor's)."""
    if application.submitted_by_contractor:
        return str(snapshot.judgment["applicant"]["title"])
    return snapshot.approver_title


def service_manager_for(
    application: Application, snapshot: JudgmentSnapshot, approver: Any, named: Any | None
) -> Any:
    """The service manager the pack's designation rule gives on approval by `approver`.

    `named` is the person the approver designates; required where the rule is designated_by_approver
    or unspecified, and optional for owning_department_head (to choose among several heads).
    """
    if application.submitted_by_contractor:
        # The contractor is no official of the city: whoever confirmed its sheet manages the service.
        return approver
    designation = Designation(snapshot.judgment["service_manager"]["designation"])
    municipality = application.municipality
    if designation == Designation.APPLICANT:
        return application.applicant
    if designation == Designation.APPROVER:
        return approver
    if designation == Designation.OWNING_DEPARTMENT_HEAD:
        heads = users_with_role(municipality, Role.DEPARTMENT_HEAD, application.department)
        if named is not None:
            if not heads.filter(pk=named.pk).exists():
                raise WorkflowError(
                    gettext_lazy("%(person)s is not the head of %(department)s"),
                    code="manager_not_head",
                    params={"person": display_name(named), "department": application.department},
                )
            return named
        count = heads.count()
        if count != 1:
            raise WorkflowError(
                gettext_lazy(
                    "%(department)s has no department head: name the one who becomes %(service_manager)s"
                )
                if count == 0
                else gettext_lazy(
                    "%(department)s has %(count)s department heads: name the one who becomes "
                    "%(service_manager)s"
                ),
                code="manager_head_unknown",
                params={"department": application.department, "count": count} | in_sentence(municipality),
            )
        return heads.get()
    # designated_by_approver, unspecified: the approver names the manager.
    if named is None:
        raise WorkflowError(
            gettext_lazy("name the %(service_manager)s to approve"),
            code="manager_required",
            params=in_sentence(municipality),
        )
    if not is_eligible_service_manager(named, municipality, application.department, snapshot.track):
        raise WorkflowError(
            gettext_lazy("%(person)s is not a member of %(municipality)s"),
            code="manager_not_member",
            params={"person": display_name(named), "municipality": municipality},
        )
    return named
