"""kumokan's roles mirror the engine's, and each city shows its own titles for them."""

from __future__ import annotations

import pytest

from kumokan.applications.tests import factories as f
from kumokan.policy.pack import Role as EngineRole
from kumokan.tenancy.access import role_title, role_titles
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_roles_mirror_the_engines_roles() -> None:
    assert Role.values == [role.value for role in EngineRole]


def test_role_titles_come_from_the_citys_pack() -> None:
    c = f.city("kitakyushu", overlays=())
    assert role_title(c.municipality, Role.CHIEF) == "CISO"
    assert role_title(c.municipality, Role.DEPARTMENT_HEAD) == "所属長"
    assert role_title(c.municipality, Role.SYSTEM_DEPARTMENT) == "システム管理部門"


def test_a_role_the_pack_does_not_name_falls_back_to_kumokans_label() -> None:
    c = f.city("kobe")
    assert role_title(c.municipality, Role.AUDITOR) == "監査担当"
    assert set(role_titles(c.municipality)) == set(Role.values)


def test_the_configured_approver_title_names_its_role_where_the_pack_does_not() -> None:
    c = f.city("osaka", approver=("デジタル統括室長", Role.APPROVER))
    assert role_title(c.municipality, Role.APPROVER) == "デジタル統括室長"


def test_a_role_the_rules_do_not_name_is_told_apart_from_the_one_they_give_its_label() -> None:
    # Amagasaki's applicant is its 情報セキュリティ管理者 (（２以上）4.2（１）); its rules name no one for kumokan's
    # security manager, whose generic label is the same words: never given a title the rules do not give.
    c = f.city("amagasaki", overlays=())
    assert role_title(c.municipality, Role.APPLICANT) == "情報セキュリティ管理者"
    assert (
        role_title(c.municipality, Role.SECURITY_MANAGER) == "情報セキュリティ管理者（規程に定めのない役割）"
    )
    # Where no role of the rules bears the label, it stands as it is (Kitakyushu).
    assert (
        role_title(f.city("kitakyushu", overlays=()).municipality, Role.SECURITY_MANAGER)
        == "情報セキュリティ管理者"
    )
