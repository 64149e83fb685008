"""The applications a person may reach, fetched *for this user* (kumokan.tenancy.permissions has the table)."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from kumokan.applications import routing
from kumokan.applications.choices import Status
from kumokan.applications.models import Application, JudgmentSnapshot
from kumokan.tenancy.models import Department, Municipality
from kumokan.tenancy.permissions import Capability, scope


def applications_for(user: Any) -> QuerySet[Application]:
    """The user's own applications and those their roles reach (their department's, or the city's)."""
    if not user.is_authenticated:
        return Application.objects.none()
    reach = (
        Q(applicant=user)
        | scope(user, Capability.VIEW_APPLICATIONS)
        # The 情報管理者等 confirming what their department's contractors submit (Kobe §5.3).
        | (Q(submitted_by_contractor=True) & scope(user, Capability.DECIDE))
    )
    return Application.objects.filter(reach).select_related(
        "municipality", "department", "applicant", "service", "service__provider"
    )


def application_for(user: Any, pk: int) -> Application:
    """One application the user may see; 404 for any other, so that its existence does not show."""
    return get_object_or_404(applications_for(user), pk=pk)


def own_application(user: Any, pk: int) -> Application:
    """One of the user's own applications (drafting, answering, submitting); 404 for any other."""
    return get_object_or_404(applications_for(user).filter(applicant=user), pk=pk)


def decidable_by(user: Any) -> dict[int, JudgmentSnapshot]:
    """The submitted applications this user may decide now, by id, each with its current judgment,
    oldest submission first.

    The routing (routing.may_decide) reads only a few columns of each application and its judgment's
    approver role and self-approval flag, read in one query without the stored facts and judgment
    documents (some 56 kB each); the rows to show are read by the caller, a page at a time.
    """
    if not user.is_authenticated:
        return {}
    candidates = list(
        Application.objects.filter(status=Status.SUBMITTED)
        .filter(scope(user, Capability.DECIDE))
        .only(
            "id",
            "municipality_id",
            "department_id",
            "applicant_id",
            "submitted_by_contractor",
            "submitted_at",
        )
        .annotate(
            snapshot_id=Subquery(
                JudgmentSnapshot.objects.filter(application=OuterRef("pk")).order_by("-id").values("id")[:1]
            )
        )
        .order_by("submitted_at", "id")
    )
    # The few municipalities and departments the routing asks about, each read once.
    municipalities = Municipality.objects.in_bulk({a.municipality_id for a in candidates})
    departments = Department.objects.in_bulk({a.department_id for a in candidates})
    snapshots = {
        snapshot.pk: snapshot
        for snapshot in JudgmentSnapshot.objects.filter(pk__in=[a.snapshot_id for a in candidates])
        .defer("facts", "inline_judgment", "packs")
        .annotate(
            # The shared judgment document, or the judgment an older snapshot keeps in its row.
            # A CASE, not the bare OR: in SQL "false OR NULL" is NULL (the column a snapshot does not
            # use is NULL), which read as "not known" and loaded every judgment document again.
            self_approval_flag=Case(
                When(
                    Q(document__judgment__self_approval=True) | Q(inline_judgment__self_approval=True),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            track_label=Coalesce(
                KeyTextTransform("track_label", "document__judgment"),
                KeyTextTransform("track_label", "inline_judgment"),
            ),
        )
    }
    decidable = {}
    for application in candidates:
        application.municipality = municipalities[application.municipality_id]
        application.department = departments[application.department_id]
        snapshot = snapshots.get(application.snapshot_id)
        if snapshot is not None and routing.may_decide(user, application, snapshot):
            decidable[application.pk] = snapshot
    return decidable


def awaiting_decision_by(user: Any) -> list[Application]:
    """The submitted applications this user may decide now (the approval queue), oldest first, each
    carrying its current judgment (without its documents) as `queue_snapshot`: see decidable_by."""
    decidable = decidable_by(user)
    queue = list(queue_rows(decidable).order_by("submitted_at", "id"))
    for application in queue:
        application.queue_snapshot = decidable[application.pk]
    return queue


def queue_rows(decidable: dict[int, JudgmentSnapshot]) -> QuerySet[Application]:
    """The rows of these decidable applications with what a queue shows of each (still submitted)."""
    return Application.objects.filter(pk__in=list(decidable), status=Status.SUBMITTED).select_related(
        "municipality", "department", "applicant", "service", "service__provider"
    )
