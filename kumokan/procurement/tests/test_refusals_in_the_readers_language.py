"""Procurement's role refusals are msgids read in the reader's language (issue 14 point 6)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from kumokan.procurement import actions
from kumokan.procurement.tests.support import facts, osaka, plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ja", "この所属で調達を計画する役割がありません。"),
        ("en", "You have no role that plans procurements in this department."),
    ],
)
def test_planning_without_a_planning_role_is_refused_in_the_readers_language(
    language: str, message: str
) -> None:
    c = osaka()

    with pytest.raises(PermissionDenied) as refused:
        actions.plan_procurement(
            acting_user=c.staff,
            municipality=c.municipality,
            department=c.department,
            title="調達",
            facts=facts(),
        )

    with translation.override(language):
        assert str(refused.value) == message


def test_a_procurement_outside_ones_roles_is_refused_in_japanese_and_english() -> None:
    c = osaka()
    procurement = plan(c)

    with pytest.raises(PermissionDenied) as refused:
        actions.update_procurement(acting_user=c.staff, procurement=procurement, title="別", facts=facts())

    with translation.override("ja"):
        assert str(refused.value) == "この調達案件を扱う役割がありません。"
    with translation.override("en"):
        assert str(refused.value) == "You have no role that handles this procurement."
