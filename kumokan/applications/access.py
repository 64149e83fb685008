"""The applications a person may reach, fetched *for this user* (kumokan.tenancy.permissions has the table)."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from kumokan.applications import routing
from kumokan.applications.choices import Status
from kumokan.applications.models import Application, JudgmentSnapshot
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


def awaiting_decision_by(user: Any) -> list[Application]:
    """The submitted applications this user may decide now (the approval queue), oldest first.

    Each application carries its current judgment as `queue_snapshot`, read in one query without the
    stored facts and judgment documents (some 56 kB each): the routing needs only the approver role,
    whether the track approves itself, and the track with its label for the list.
    """
    if not user.is_authenticated:
        return []
    candidates = list(
        Application.objects.filter(status=Status.SUBMITTED)
        .filter(scope(user, Capability.DECIDE))
        .select_related("municipality", "department", "applicant", "service", "service__provider")
        .annotate(
            snapshot_id=Subquery(
                JudgmentSnapshot.objects.filter(application=OuterRef("pk")).order_by("-id").values("id")[:1]
            )
        )
        .order_by("submitted_at", "id")
    )
    snapshots = {
        snapshot.pk: snapshot
        for snapshot in JudgmentSnapshot.objects.filter(pk__in=[a.snapshot_id for a in candidates])
        .defer("facts", "inline_judgment", "packs")
        .annotate(
            # The shared judgment document, or the judgment an older snapshot keeps in its row.
            self_approval_flag=ExpressionWrapper(
                Q(document__judgment__self_approval=True) | Q(inline_judgment__self_approval=True),
                output_field=BooleanField(),
            ),
            track_label=Coalesce(
                KeyTextTransform("track_label", "document__judgment"),
                KeyTextTransform("track_label", "inline_judgment"),
            ),
        )
    }
    queue = []
    for application in candidates:
        snapshot = snapshots.get(application.snapshot_id)
        if snapshot is not None and routing.may_decide(user, application, snapshot):
            application.queue_snapshot = snapshot
            queue.append(application)
    return queue
