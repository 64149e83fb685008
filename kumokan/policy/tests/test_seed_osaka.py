"""Osaka's クラウドサービス関連ガイドライン (seed 002) as its auditor reads it, one row per case it decides.

The guideline names no approver: the table judges with the city's configured one.
"""

from __future__ import annotations

import pytest

from kumokan.policy.tests.installed import judge
from kumokan.policy.tests.seed_table import Row, Table, check_row, judged, uncovered

HIGH = {"confidentiality": "2"}
LOW = {"confidentiality": "1"}
# 第1章1.1(1)①: ASP counts as SaaS; web conferences and SNS are read the same way.
SAAS_ITEMS = (
    "proc.saas.method",
    "proc.saas.licence-procurement",
    "proc.saas.spec-writing",
    "proc.saas.trial",
    "proc.saas.build-contract",
    "proc.saas.osaka-only-saas",
    "proc.no-code.licence-only",
    "proc.no-code.with-development",
    "proc.no-code.app-rights",
    "proc.split.saas-on-other-iaas",
    "build.split.saas",
    "ops.split.linked-saas",
)
IAAS_PAAS = (
    "sel.iaas-paas.common-cloud",
    "sel.common-cloud.cloud-shift",
    "sel.common-cloud.cost-effects",
    "sel.common-cloud.oracle-licence",
    "proc.iaas-paas.apply-digital-office",
    "proc.iaas-paas.spec-common-cloud",
    "build.settings.iaas-paas-items",
    "build.iam.central-keys",
    "build.object-storage",
    "build.network.perimeter",
    "build.central-management",
    "build.key-management",
    "build.database",
    "build.containers",
    "build.settings.penetration-test",
    "build.risk.oss-managed",
    "build.common-cloud.redundancy-backup",
    "ops.lifecycle.renewal-plan",
    "ops.common-cloud.shutdown-plan",
    "ops.common-cloud.usage-forecast",
    "ops.new-provider-features",
)
IAAS = (
    "build.split.iaas",
    "build.vm.encryption-endpoint",
    "ops.split.iaas-os-middleware",
    "ops.vm.patch-av-monitoring",
)
PAAS = ("build.split.paas", "build.paas-applications")
SIER = (
    "build.split.sier",
    "build.communication.sier-briefing",
    "ops.communication.sier-releases",
    "ops.communication.sier-provider-support",
)
NOT_PUBLIC = {"public_cloud_premise": "warn"}

ROWS = [
    Row(
        "SaaS, 機密性2",
        HIGH,
        "high",
        present=(*SAAS_ITEMS, "proc.saas.service-contract"),
        absent=(
            *IAAS_PAAS,
            *IAAS,
            *PAAS,
            *SIER,
            "proc.saas.sign-up",
            "build.network.vpn-important",
            "sel.common-cloud.public-side-only",
        ),
    ),
    Row("SaaS, 機密性1", LOW, "low", present=SAAS_ITEMS, absent=IAAS_PAAS),
    Row("機密性3", {"confidentiality": "3"}, "high", present=SAAS_ITEMS),
    Row(
        "web conference is SaaS",
        {**HIGH, "service_model": "web_conference"},
        "high",
        present=SAAS_ITEMS,
        absent=IAAS_PAAS,
    ),
    Row("SNS is SaaS", {**HIGH, "service_model": "sns"}, "high", present=SAAS_ITEMS),
    Row(
        "other is neither",
        {**HIGH, "service_model": "other"},
        "high",
        absent=(*SAAS_ITEMS, *IAAS_PAAS, *SIER),
    ),
    # 第1章1.1: SaaS を基本; IaaS・PaaS は SaaS 利用が難しい場合 (a condition: explained before submission).
    Row(
        "IaaS, 機密性2",
        {**HIGH, "service_model": "iaas"},
        "high",
        {"saas_by_default": "block"},
        present=(*IAAS_PAAS, *IAAS, *SIER, "build.network.vpn-important"),
        absent=(*SAAS_ITEMS, *PAAS),
    ),
    Row(
        "PaaS, 機密性2",
        {**HIGH, "service_model": "paas"},
        "high",
        {"saas_by_default": "block"},
        present=(*IAAS_PAAS, *PAAS, *SIER),
        absent=IAAS,
    ),
    # 表No.4.2: 重要情報を扱うシステムでは…VPN.
    Row(
        "IaaS, 機密性1",
        {**LOW, "service_model": "iaas"},
        "low",
        {"saas_by_default": "block"},
        present=IAAS,
        absent=("build.network.vpn-important",),
    ),
    # 第3章1.1(4): 市民公開側のみ…ただし、システム所有権が本市のものに限る.
    Row(
        "IaaS for citizens",
        {**HIGH, "service_model": "iaas", "user_scope": "citizens"},
        "high",
        {"saas_by_default": "block"},
        present=("sel.common-cloud.public-side-only",),
    ),
    Row(
        "PaaS for contractors",
        {**HIGH, "service_model": "paas", "user_scope": "contractors"},
        "high",
        {"saas_by_default": "block"},
        present=("sel.common-cloud.public-side-only",),
    ),
    Row(
        "SaaS for citizens",
        {**HIGH, "user_scope": "citizens"},
        "high",
        absent=("sel.common-cloud.public-side-only",),
    ),
    # 第3章1.1(1): 利用申し込み follows the provider's terms; ライセンス調達委託 is not excluded by them.
    Row(
        "SaaS on standard terms",
        {**HIGH, "terms_only": True},
        "high",
        {"standard_terms_only": "warn"},
        present=("proc.saas.sign-up", "proc.saas.licence-procurement"),
        absent=("proc.saas.service-contract",),
    ),
    Row(
        "IaaS on standard terms",
        {**HIGH, "service_model": "iaas", "terms_only": True},
        "high",
        {"standard_terms_only": "warn", "saas_by_default": "block"},
        absent=("proc.saas.sign-up",),
    ),
    # 第4章2.4 / 3.3(1)②⑤⑥: an SIer between the city and the provider.
    Row("SaaS run by a contractor", {**HIGH, "operated_by_contractor": True}, "high", present=SIER),
    # 第1章1.1(2): パブリック・クラウドの利用を前提に検討します.
    Row("private cloud", {**HIGH, "deployment": "private"}, "high", NOT_PUBLIC),
    Row("community cloud", {**HIGH, "deployment": "community"}, "high", NOT_PUBLIC),
    Row("government cloud", {**HIGH, "deployment": "government"}, "high", NOT_PUBLIC),
    # 第4章3.7(1)⑥: 特に機密性の高いデータを扱う場合は…確認する.
    Row(
        "data centre abroad, 機密性2",
        {**HIGH, "data_location": "SG"},
        "high",
        {"data_outside_japan": "block"},
    ),
    Row("data centre abroad, 機密性1", {**LOW, "data_location": "SG"}, "low", {"data_outside_japan": "info"}),
    # 第4章3.7(1)⑤: 準拠法が国内か外国かを必ず確認する (done: the fact states it).
    Row("foreign law, 機密性2", {**HIGH, "governing_law": "US"}, "high", {"foreign_governing_law": "warn"}),
    Row("foreign law, 機密性1", {**LOW, "governing_law": "US"}, "low", {"foreign_governing_law": "warn"}),
    # The stricter classification decides.
    Row(
        "MIC 3B beside 機密性1, IaaS",
        {**LOW, "service_model": "iaas", "municipal_confidentiality": "3B"},
        "high",
        {"saas_by_default": "block"},
        present=("build.network.vpn-important",),
    ),
    Row("MIC 2 beside 機密性1", {**LOW, "municipal_confidentiality": "2"}, "high"),
    Row("MIC 1 beside 機密性1", {**LOW, "municipal_confidentiality": "1"}, "low"),
    # What the guideline does not address raises nothing.
    Row("personal information", {**HIGH, "handles_specific_personal_info": True}, "high"),
    Row("clauses missing", {**HIGH, "required_clauses_present": False}, "high"),
    Row("no certification", {**HIGH, "certifications": []}, "high"),
    Row("direct internet login", {**HIGH, "direct_internet_login": True}, "high"),
    Row("availability 3", {**HIGH, "availability": "3"}, "high"),
    Row(
        "everything at once",
        {
            **HIGH,
            "service_model": "iaas",
            "deployment": "private",
            "terms_only": True,
            "data_location": "US",
            "governing_law": "US",
            "operated_by_contractor": True,
        },
        "high",
        {
            "standard_terms_only": "warn",
            "foreign_governing_law": "warn",
            "data_outside_japan": "block",
            "saas_by_default": "block",
            "public_cloud_premise": "warn",
        },
    ),
]

TABLE = Table(
    packs=("osaka",),
    base={
        "service_name": "文書共有サービス",
        "provider": "株式会社テスト",
        "purpose": "庁内の文書共有",
        "service_model": "saas",
    },
    people={"high": ("デジタル統括室長", "各所属"), "low": ("デジタル統括室長", "各所属")},
    rows=ROWS,
    configured_approver="デジタル統括室長",
)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_osaka_seed_table(row: Row) -> None:
    check_row(TABLE, row)


def test_osaka_table_covers_every_conditional_item_and_finding() -> None:
    assert len(ROWS) >= 30
    assert uncovered(TABLE) == []


def test_osaka_without_a_configured_approver_every_row_is_blocked_by_the_gap() -> None:
    result = judge({**TABLE.base, **HIGH}, ["osaka"])
    assert result["approver"] is None
    assert result["findings"][0]["code"] == "approver_not_configured"
    assert result["findings"][0]["severity"] == "block"


def test_osaka_values_no_seed_states_say_where_they_come_from() -> None:
    result = judged(TABLE, ROWS[0])
    assert result["applicant"]["source"]["basis"] == "configuration"
    assert result["approver"]["configured"] is True


def test_osaka_sier_duties_are_the_contractor_s() -> None:
    items = judged(TABLE, ROWS[6])["checklists"]["operation"]
    sier = {i["id"]: i for i in items if i["id"].startswith("ops.communication.sier-")}
    assert set(sier) == {"ops.communication.sier-releases", "ops.communication.sier-provider-support"}
    assert {i["responsible"] for i in sier.values()} == {"contractor"}
    assert all("【Sier】" in i["note"] for i in sier.values())
