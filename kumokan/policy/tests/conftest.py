"""A small pack written for the engine's own tests: it exercises the mechanics, not a city's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from kumokan.policy import PackLibrary

SAMPLE = """\
id: sample
version: "1.0.0"
kind: municipality
title: テスト用パック
issuer: 試験市
seed: 003_458251fa9e15d94e.txt
classification:
  confidentiality:
    levels: [{code: "1", label: 機密性1}, {code: "2", label: 機密性2}, {code: "3", label: 機密性3}]
    high_track_from: "2"
    source: {clause: "2.1"}
  availability:
    levels: [{code: "1", label: 可用性1}, {code: "2", label: 可用性2}]
    source: {clause: "3.5.4オ"}
roles:
  - {role: security_manager, title: 情報セキュリティ管理者, source: {clause: "5.1.1"}}
tracks:
  high:
    label: 機密性２以上
    source: {clause: "2.1"}
    applicant: {role: applicant, title: 情報管理者, source: {clause: "5.2.1①"}}
    approver: {role: security_manager, title: 情報セキュリティ管理者, source: {clause: "5.1.1"}}
    service_manager: {title: 外部サービス管理者, designation: applicant, rule: 申請者を指名する, source: {clause: "5.2.1③"}}
    forms: [{id: 別紙, title: 外部サービス要件（機密性２以上）, source: {clause: "5.2.1①"}}]
  low:
    label: 機密性２未満
    source: {clause: "2.2"}
    applicant: {role: applicant, title: 情報管理者等, source: {clause: "5.2.2①"}}
    approver: null
    approver_gap: {message: 許可権限者が定められていません, source: {clause: "5.1.2"}}
    service_manager: {title: 外部サービス管理者, designation: unspecified, rule: 定めなし, source: {clause: "5.2.2②"}}
ledger_fields:
  - {id: service_name, label: 外部サービスの名称, track: high, source: {clause: "5.2.1⑤ア"}}
  - {id: provider, label: 外部サービス提供者の名称, source: {clause: "5.2.1⑤イ"}}
items:
  - {id: sel.high, phase: selection, track: high, text: 高い方の選定条件, source: {clause: "3.1"}}
  - {id: sel.low, phase: selection, track: low, text: 低い方の選定条件, source: {clause: "4.1"}}
  - id: build.remote
    phase: build
    when: {fact: direct_internet_login}
    text: インターネットから直接ログインする場合の対策
    source: {clause: "3.5.1ク"}
  - id: build.available
    phase: build
    when: {at_least: {availability: "2"}}
    text: 可用性を考慮した設計
    source: {clause: "3.5.4オ"}
  - id: build.infra
    phase: build
    when: {all: [{in: {service_model: [iaas, paas]}}, {not: {has_any: {certifications: [ISMAP, ISMAP-LIU]}}}]}
    text: 基盤の対策
    source: {clause: "3.5.1キ"}
findings:
  - code: pia_required
    severity: warn
    when: {fact: handles_specific_personal_info}
    message: PIA を実施する
    source: {file: 000_6738fc87fdfdac6f.txt, clause: "4⑴エ"}
  - code: data_outside_japan
    severity: block
    track: high
    when: {ne: {data_location: JP}}
    message: 国内に保存する
    source: {clause: "2.4エ"}
rechecks:
  - id: recheck.changes
    triggers: [terms_changed, incident]
    responsible: service_manager
    report_to: security_manager
    text: 変更があった際には適合しているか確認する
    source: {clause: "6.1"}
  - id: recheck.iaas-yearly
    triggers: [periodic]
    interval_months: 12
    when: {eq: {service_model: iaas}}
    responsible: service_manager
    text: 毎年確認する
    source: {clause: "3.6③"}
"""

OVERLAY = """\
id: extra
version: "2"
kind: overlay
title: 上乗せ
issuer: 不明
seed: 004_b62cca484ad22969.txt
items:
  - id: st.confirm.1
    phase: procurement
    when: {all: [{in: {municipal_confidentiality: ["3B", "3C"]}}, {eq: {deployment: public}}]}
    text: ISO/IEC 27001
    source: {clause: "確認事項 No.1"}
"""


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """A pack directory holding the sample and the overlay."""
    (tmp_path / "sample.yaml").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "extra.yaml").write_text(OVERLAY, encoding="utf-8")
    return tmp_path


@pytest.fixture
def library(pack_dir: Path) -> PackLibrary:
    """A fresh library searching the pack directory before the shipped packs."""
    return PackLibrary([pack_dir])


@pytest.fixture
def facts() -> dict[str, object]:
    return {
        "service_name": "電子申請サービス",
        "provider": "株式会社テスト",
        "purpose": "市民からの申請受付",
        "service_model": "saas",
        "confidentiality": "2",
    }
