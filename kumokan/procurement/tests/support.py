"""People and procurements for the procurement tests, made through the same actions the product uses."""

from __future__ import annotations

from typing import Any

from kumokan.applications.tests.factories import City, city
from kumokan.procurement import actions
from kumokan.procurement.models import Procurement


def osaka() -> City:
    return city("osaka", overlays=())


def facts(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service_name": "電子申請サービス",
        "provider": "—",
        "purpose": "市民からの各種申請の受付",
        "service_model": "saas",
        "confidentiality": "2",
    }
    data.update(overrides)
    return data


def plan(c: City, *, by: Any = None, title: str = "電子申請サービスの調達", **overrides: Any) -> Procurement:
    return actions.plan_procurement(
        acting_user=by or c.applicant,
        municipality=c.municipality,
        department=c.department,
        title=title,
        facts=facts(**overrides),
    )
