"""Loading one city's demo through the real actions, so the audit trail and notifications exist.

Running it again changes nothing but the demo users' password: every step looks first for what an
earlier run made (municipality by slug, departments by code, users by username, services by name).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kumokan.applications import actions as applications
from kumokan.applications import routing
from kumokan.applications.choices import Answer, Outcome
from kumokan.applications.judging import judge_facts
from kumokan.applications.models import Application
from kumokan.core.actors import SYSTEM
from kumokan.demo.catalogue import load_certifications, load_contractor_submission
from kumokan.demo.data import EMAIL_DOMAIN, SERVICES, City, Service, people
from kumokan.demo.from_pack import city_for
from kumokan.demo.lifecycle import load_lifecycle_demo
from kumokan.ledger import actions as ledger
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.tasks import decide_task
from kumokan.lifecycle.actions.termination import (
    approve_termination,
    complete_termination,
    confirm_accounts,
    record_disposal,
    record_termination_plan,
    record_user_notice,
    request_termination,
    termination_approvers,
)
from kumokan.lifecycle.choices import AccountOutcome, DisposalMethod, TaskStatus, TerminationStep
from kumokan.lifecycle.models import ChecklistTask
from kumokan.policy.pack import Designation, Response
from kumokan.tenancy import actions as tenancy
from kumokan.tenancy.access import role_titles, users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality

PERIOD = (datetime.date(2025, 4, 1), datetime.date(2028, 3, 31))


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    titles: list[str]
    departments: list[str]


@dataclass(frozen=True)
class Report:
    municipality: Municipality
    logins: list[Login]
    created: list[str]  # services made by this run
    existing: int  # services an earlier run made


def load_demo(slug: str, password: str) -> Report:
    """Load (or complete) the demo of city `slug`; every demo user gets `password`."""
    city = city_for(slug)
    with transaction.atomic():
        municipality = _municipality(city)
        departments = _departments(city, municipality)
        users = _people(city, municipality, departments, password)
    created: list[str] = []
    existing = 0
    for service in SERVICES:
        if Application.objects.filter(municipality=municipality, service__name=service.name).exists():
            existing += 1
            continue
        with transaction.atomic():
            _build(city, municipality, departments, users, service)
        created.append(service.name)
    with transaction.atomic():
        load_certifications(municipality)
        if city.contractor_department:
            load_contractor_submission(
                municipality, departments[city.contractor_department], users["contractor"], city.high_code
            )
    load_lifecycle_demo(municipality, users)
    return Report(municipality, _logins(municipality, users), created, existing)


# ── the city and its people ─────────────────────────────────────────────────


def _municipality(city: City) -> Municipality:
    municipality = Municipality.objects.filter(slug=city.slug).first()
    if municipality is None:
        municipality = tenancy.create_municipality(
            acting_user=SYSTEM,
            slug=city.slug,
            name=city.name,
            pack_id=city.slug,
            overlay_pack_ids=city.overlays,
        )
    if city.configured_approver and not municipality.configured_approver:
        title, role = city.configured_approver
        municipality = tenancy.configure_approver(
            acting_user=SYSTEM, municipality=municipality, title=title, role=role
        )
    return municipality


def _departments(city: City, municipality: Municipality) -> dict[str, Department]:
    found = {d.code: d for d in Department.objects.filter(municipality=municipality)}
    for code, name in city.departments:
        if code not in found:
            found[code] = tenancy.add_department(
                acting_user=SYSTEM, municipality=municipality, name=name, code=code
            )
    return found


def _people(
    city: City, municipality: Municipality, departments: dict[str, Department], password: str
) -> dict[str, Any]:
    users: dict[str, Any] = {}
    model = get_user_model()
    # One hash for the one shared password: hashing it per user would take seconds for nothing.
    hashed = make_password(password)
    for person in people(city):
        username = person.username
        # Two cities' demos in one database never share an account (a shared one would be a member of
        # both): the first city loaded keeps the plain names, another one's are prefixed with its slug.
        if Membership.objects.filter(user__username=username).exclude(municipality=municipality).exists():
            username = f"{municipality.slug}-{person.username}"
        user, _ = model.objects.get_or_create(username=username)
        user.last_name, user.first_name = person.last_name, person.first_name
        user.email = f"{username}@{EMAIL_DOMAIN}"
        user.is_active = True
        # No demo login is Django-admin staff: the admin lists every municipality's rows (audit events,
        # roles, sign-in links), so it is the site operator's (a superuser's), and a city's administrator
        # offered it would meet only "You don't have permission" there. Their pages are kumokan's own.
        user.is_staff = False
        user.password = hashed
        user.save()
        department = departments[person.department] if person.department else None
        for role in person.roles:
            tenancy.ensure_membership(
                acting_user=SYSTEM, user=user, municipality=municipality, role=role, department=department
            )
        tenancy.set_staff_title(acting_user=SYSTEM, user=user, municipality=municipality, title=person.title)
        users[person.username] = user
    return users


def _logins(municipality: Municipality, users: dict[str, Any]) -> list[Login]:
    titles = role_titles(municipality)
    logins = []
    for user in users.values():
        memberships = Membership.objects.filter(user=user, municipality=municipality).select_related(
            "department"
        )
        logins.append(
            Login(
                username=user.username,
                name=f"{user.last_name} {user.first_name}",
                titles=sorted({titles[m.role] for m in memberships}),
                departments=sorted({m.department.name for m in memberships if m.department}),
            )
        )
    return logins


# ── one service, taken to its demo state ────────────────────────────────────


def _build(
    city: City,
    municipality: Municipality,
    departments: dict[str, Department],
    users: dict[str, Any],
    service: Service,
) -> None:
    department = departments[service.department]
    facts = {
        "service_name": service.name,
        "provider": service.provider,
        "purpose": service.purpose,
        "service_model": service.model,
        "confidentiality": city.high_code if service.high else city.low_code,
        **service.facts,
    }
    if municipality.pack().pack.workflow.one_application_per_function is not None:
        facts["functions"] = [service.function]
    # Whoever the track's rule lets apply there (Kitakyushu 5.2(1)①: the 所属長 on the high track).
    applicant = routing.applicants(department, judge_facts(municipality, facts).judgment).first()
    application = applications.create_draft(
        acting_user=applicant,
        municipality=municipality,
        department=department,
        facts=facts,
        business_scope=f"{department.name}における{service.purpose}",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        user_scope_detail=service.user_scope_detail,
    )
    if service.state == "draft":
        _answer(application, applicant, limit=3)
        return
    if service.state == "withdrawn":
        applications.withdraw(acting_user=applicant, application=application, reason=service.reason)
        return
    _answer(application, applicant)
    _explain(application, applicant)
    application = applications.submit(acting_user=applicant, application=application)
    if service.state == "submitted" or application.status == "approved":
        _after_approval(users, application, service)
        return
    decider = _decider(application)
    outcome = {"returned": Outcome.RETURNED, "rejected": Outcome.REJECTED}.get(
        service.state, Outcome.APPROVED
    )
    applications.decide(
        acting_user=decider,
        application=application,
        outcome=outcome,
        reason=service.reason if outcome != Outcome.APPROVED else "",
        expected_version=application.version,
        service_manager=_named_manager(application) if outcome == Outcome.APPROVED else None,
    )
    _after_approval(users, application, service)


def _after_approval(users: dict[str, Any], application: Application, service: Service) -> None:
    entry = LedgerEntry.objects.filter(application=application).first()
    if entry is None or service.state == "approved":
        return
    manager = entry.service_manager
    for task in ChecklistTask.objects.filter(entry=entry, required_before_operation=True):
        decide_task(
            acting_user=manager, task=task, status=TaskStatus.CONFIRMED, note="手順書と納品物で確認した。"
        )
    entry = entries.start_operation(acting_user=manager, entry=entry, reason="運用を開始した。")
    if service.department == "jumin":
        entry = ledger.edit_entry(
            acting_user=manager,
            entry=entry,
            changes={"period_end": datetime.date(2029, 3, 31)},
            reason="契約更新に伴い利用期間を延長",
        )
    if service.state == "suspended":
        entries.suspend(acting_user=manager, entry=entry, reason=service.reason)
    elif service.state == "retired":
        _terminate(entry, service.reason)


def _terminate(entry: LedgerEntry, reason: str) -> None:
    manager = entry.service_manager
    termination = request_termination(acting_user=manager, entry=entry, reason=reason)
    if termination.approval_required:  # Kobe §7.1①: the 情報セキュリティ管理者 approves first
        termination = approve_termination(
            acting_user=termination_approvers(termination).first(),
            termination=termination,
            note="後継サービスへの移行を確認した。",
        )
    termination = record_termination_plan(
        acting_user=manager,
        termination=termination,
        text="後継サービスへのデータ移行後、年度末で利用を終了する。",
    )
    termination = record_user_notice(
        acting_user=manager,
        termination=termination,
        notified_on=timezone.localdate(),
        note="庁内掲示板で周知",
    )
    termination = record_disposal(
        acting_user=manager,
        termination=termination,
        method=DisposalMethod.CRYPTO_ERASE,
        key_backups_deleted=True,
        note="暗号鍵とそのバックアップを削除し、提供者の消去証明書を受領した。",
    )
    for step in (
        TerminationStep.USER_ACCOUNTS,
        TerminationStep.ADMIN_ACCOUNTS,
        TerminationStep.SPECIAL_ACCOUNTS,
    ):
        termination = confirm_accounts(
            acting_user=manager, termination=termination, step=step, outcome=AccountOutcome.DELETED
        )
    complete_termination(acting_user=manager, termination=termination, note=reason)


def _answer(application: Application, applicant: Any, limit: int | None = None) -> None:
    answers = []
    for item in applications.unanswered_items(application, phase="selection")[:limit]:
        accept = item["response"] == Response.ACCEPT_OR_MITIGATE
        answers.append(
            applications.ItemAnswer(
                item["pack"],
                item["id"],
                Answer.ACCEPTED if accept else Answer.CONFORMS,
                "利用規約を確認し、業務上受容できると判断した。" if accept else "",
            )
        )
    if answers:
        applications.answer_items(acting_user=applicant, application=application, answers=answers)


def _explain(application: Application, applicant: Any) -> None:
    snapshot = application.judgment
    assert snapshot is not None
    for finding in snapshot.findings("block"):
        applications.explain_finding(
            acting_user=applicant,
            application=application,
            pack_id=finding["pack"],
            code=finding["code"],
            explanation="提供者と規約に優先する特約を締結し、インシデントの報告義務と損害賠償を担保する。",
        )


def _decider(application: Application) -> Any:
    """Whoever the routing names; among several, the `approver` login comes first by name."""
    snapshot = application.judgment
    assert snapshot is not None
    return routing.approvers(application, snapshot).order_by("username").first()


def _named_manager(application: Application) -> Any:
    """Where the approver names the manager, the demo names the head of the applying department."""
    snapshot = application.judgment
    assert snapshot is not None
    if snapshot.judgment["service_manager"]["designation"] not in (
        Designation.DESIGNATED_BY_APPROVER,
        Designation.UNSPECIFIED,
    ):
        return None
    return users_with_role(application.municipality, Role.DEPARTMENT_HEAD, application.department).first()
