"""Plain factory functions for the application, ledger and tenancy tests (real rows, real actions)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from kumokan.applications import actions
from kumokan.applications.choices import Answer, Outcome
from kumokan.applications.models import Application
from kumokan.ledger.models import LedgerEntry
from kumokan.policy.pack import Response
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality

_serial = itertools.count(1)

# The codes of each pack's scale for "important information" and "nothing important" (CONTRACT.md).
HIGH_CODE = {"kitakyushu": "第2種"}
LOW_CODE = {"kitakyushu": "その他"}


def user(username: str | None = None, **fields: Any) -> Any:
    username = username or f"user{next(_serial)}"
    fields.setdefault("email", f"{username}@example.jp")
    return get_user_model().objects.create_user(username=username, password=None, **fields)


def member(
    municipality: Municipality, role: Role, department: Department | None = None, **fields: Any
) -> Any:
    """A new user holding `role` in the municipality (in `department`, or city-wide)."""
    person = user(f"{municipality.slug}-{role.value}-{next(_serial)}", **fields)
    Membership.objects.create(user=person, municipality=municipality, department=department, role=role)
    return person


@dataclass
class City:
    """A municipality with two departments and one person per role (the heads head one each)."""

    municipality: Municipality
    department: Department
    other_department: Department
    applicant: Any
    head: Any
    other_head: Any
    staff: Any
    security_manager: Any
    approver: Any
    chief: Any
    system_department: Any
    administrator: Any

    @property
    def slug(self) -> str:
        return self.municipality.slug


def city(
    slug: str = "kobe",
    *,
    overlays: tuple[str, ...] = ("special-terms",),
    approver: tuple[str, str] | None = None,
) -> City:
    """A city judged by the pack `slug`; `approver` = (title, role) sets the configured approver."""
    municipality = Municipality.objects.create(
        slug=slug,
        name=f"{slug}市",
        pack_id=slug,
        overlay_pack_ids=list(overlays),
        configured_approver_title=approver[0] if approver else None,
        configured_approver_role=approver[1] if approver else None,
    )
    department = Department.objects.create(municipality=municipality, name="市民局 住民課", code="jumin")
    other = Department.objects.create(municipality=municipality, name="こども家庭局 保育課", code="hoiku")
    return City(
        municipality=municipality,
        department=department,
        other_department=other,
        applicant=member(municipality, Role.APPLICANT, department, last_name="申請", first_name="花子"),
        head=member(municipality, Role.DEPARTMENT_HEAD, department, last_name="住民", first_name="課長"),
        other_head=member(municipality, Role.DEPARTMENT_HEAD, other, last_name="保育", first_name="課長"),
        staff=member(municipality, Role.STAFF, department),
        security_manager=member(municipality, Role.SECURITY_MANAGER),
        approver=member(municipality, Role.APPROVER),
        chief=member(municipality, Role.CHIEF),
        system_department=member(municipality, Role.SYSTEM_DEPARTMENT),
        administrator=member(municipality, Role.ADMINISTRATOR),
    )


def facts(slug: str = "kobe", *, high: bool = True, **overrides: Any) -> dict[str, Any]:
    """Plausible facts for one planned use, on the high or low track of pack `slug`."""
    code = HIGH_CODE.get(slug, "2") if high else LOW_CODE.get(slug, "1")
    data: dict[str, Any] = {
        "service_name": "電子申請サービス",
        "provider": "株式会社クラウド自治",
        "purpose": "市民からの各種申請の受付",
        "service_model": "saas",
        "confidentiality": code,
        "certifications": ["ISMAP"],
    }
    if slug == "kitakyushu":
        data["functions"] = ["申請受付"]
    data.update(overrides)
    return data


def draft(
    c: City,
    *,
    high: bool = True,
    applicant: Any = None,
    department: Department | None = None,
    **overrides: Any,
) -> Application:
    return actions.create_draft(
        acting_user=applicant or default_applicant(c, high=high),
        municipality=c.municipality,
        department=department or c.department,
        facts=facts(c.slug, high=high, **overrides),
        business_scope="住民票の写しの交付申請の受付",
        user_scope_detail="住民課の職員",
    )


def default_applicant(c: City, *, high: bool = True) -> Any:
    """Who applies for the city's track: the applicant, except Kitakyushu's high track, where the
    所属長 applies (001 5.2(1)①)."""
    return c.head if high and c.slug == "kitakyushu" else c.applicant


def answer_all(application: Application, *, phase: str | None = "selection", by: Any = None) -> None:
    """Answer every item of the current judgment (of one phase) the way a careful applicant would."""
    answers = []
    for item in actions.unanswered_items(application, phase=phase):
        accept = item["response"] == Response.ACCEPT_OR_MITIGATE
        answers.append(
            actions.ItemAnswer(
                item["pack"],
                item["id"],
                Answer.ACCEPTED if accept else Answer.CONFORMS,
                "規約を確認し、業務上受容できると判断した。" if accept else "",
            )
        )
    if answers:
        actions.answer_items(
            acting_user=by or application.applicant, application=application, answers=answers
        )


def explain_blocking(application: Application) -> None:
    snapshot = application.judgment
    assert snapshot is not None
    for finding in snapshot.findings("block"):
        actions.explain_finding(
            acting_user=application.applicant,
            application=application,
            pack_id=finding["pack"],
            code=finding["code"],
            explanation="提供者と特約を締結し、必要な条項を担保している。",
        )


def submitted(c: City, **kwargs: Any) -> Application:
    """A submitted application (on a self-approval track it is approved at once)."""
    application = draft(c, **kwargs)
    answer_all(application)
    explain_blocking(application)
    return actions.submit(acting_user=application.applicant, application=application)


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def decided(
    c: City, outcome: Outcome, *, approver: Any = None, reason: str = "", manager: Any = None, **kwargs: Any
) -> Application:
    """An application of city `c` decided by `approver` (default: the city's high-track approver)."""
    application = submitted(c, **kwargs)
    actions.decide(
        acting_user=approver or high_track_approver(c),
        application=application,
        outcome=outcome,
        reason=reason or ("" if outcome == Outcome.APPROVED else "記載内容に不足があります。"),
        expected_version=fresh(application).version,
        service_manager=manager,
    )
    return fresh(application)


def high_track_approver(c: City) -> Any:
    return {
        "kobe": c.security_manager,
        "kitakyushu": c.chief,
        "amagasaki": c.approver,
        "osaka": c.approver,
    }[c.slug]


def entry(c: City, **kwargs: Any) -> LedgerEntry:
    """A ledger entry (status 承認済み) from an approved Kobe-style application."""
    application = decided(c, Outcome.APPROVED, **kwargs)
    return LedgerEntry.objects.get(application=application)
