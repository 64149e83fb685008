"""Helping a city write its own pack: the JSON Schema, a starting pack, and what is still TODO."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kumokan.policy.cases import CaseTable
from kumokan.policy.pack import ID_PATTERN, Pack

SCHEMA_FILE = "pack.schema.json"
CASES_SCHEMA_FILE = "cases.schema.json"
TODO = re.compile(r"\bTODO\b")


def pack_schema() -> dict[str, Any]:
    """The pack format as JSON Schema (draft 2020-12), from the pydantic models."""
    schema = Pack.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kumokan policy pack",
        "description": "One municipality's cloud-service rules (or an overlay). docs/packs.md explains every field.",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def cases_schema() -> dict[str, Any]:
    """The case-table format of `kumokan policy test` as JSON Schema."""
    schema = CaseTable.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kumokan policy case table",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class Todo:
    line: int
    text: str


def todos(text: str) -> list[Todo]:
    """Every line of a pack that still says TODO (the city's rule has yet to be read there)."""
    return [Todo(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if TODO.search(line)]


def new_pack(city: str, issuer: str | None = None) -> str:
    """A starting pack for `city`: every section, the common tracks and roles, TODO where a rule must be read."""
    if not ID_PATTERN.match(city):
        raise ValueError(city)
    return _TEMPLATE.replace("@CITY@", city).replace("@ISSUER@", issuer or "TODO（自治体名）")


def write_new_pack(directory: Path, city: str, issuer: str | None = None) -> list[Path]:
    """Write CITY.yaml (never over an existing file) and the schema files its editor line points to."""
    target = directory / f"{city}.yaml"
    if target.exists():
        raise FileExistsError(target)
    written = []
    for name, schema in ((SCHEMA_FILE, pack_schema()), (CASES_SCHEMA_FILE, cases_schema())):
        path = directory / name
        if not path.exists():
            path.write_text(schema_text(schema), encoding="utf-8")
            written.append(path)
    target.write_text(new_pack(city, issuer), encoding="utf-8")
    cases = directory / f"{city}.cases.yaml"
    if not cases.exists():
        cases.write_text(_CASES_TEMPLATE.replace("@CITY@", city), encoding="utf-8")
        written.append(cases)
    return [target, *written]


# The common shape of a city's rules under the MIC guideline (総務省「地方公共団体における情報セキュリティ
# ポリシーに関するガイドライン」): a 情報セキュリティ対策基準 whose 外部サービスの利用 chapter splits by
# 機密性2以上 or not. Every value the city's own regulation must supply says TODO.
_TEMPLATE = """\
# yaml-language-server: $schema=pack.schema.json
# @CITY@ のパック（kumokan policy new で作成）。validate が一覧する箇所をすべて市の規程から埋めてください。
# Fill every place `kumokan policy validate` lists from the city's own regulation, citing its article
# (第N条第M項 …) in each `source`.
# 書き方 / how to write it: docs/packs.md.  確認 / check: kumokan policy validate @CITY@.yaml
# 試験 / test: kumokan policy test @CITY@.yaml @CITY@.cases.yaml
id: @CITY@
version: "0.1.0"
kind: municipality
title: TODO（規程の名称。例：情報セキュリティ対策基準）
issuer: @ISSUER@
document:
  title: TODO（引用する規程の正式名称）
  file: @CITY@-security-standard
  published: TODO（例規集の URL や告示番号）
  edition: TODO（施行日・改正日）
edition: null

classification:
  confidentiality:
    # TODO: 市の格付の区分を低い順に（MIC ガイドラインでは 機密性1・2・3、または 3A/3B/3C/2/1）
    levels:
      - {code: "1", label: 機密性1}
      - {code: "2", label: 機密性2}
      - {code: "3", label: 機密性3}
    high_track_from: "2"  # TODO: この区分以上を高い区分（機密性2以上）として扱う
    source: {clause: "TODO（格付の条）"}
  availability:
    levels:
      - {code: "1", label: 可用性1}
      - {code: "2", label: 可用性2}
    source: {clause: "TODO（可用性の格付の条）"}

roles:
  - {role: chief, title: 最高情報セキュリティ責任者（CISO）, source: {clause: "TODO（組織体制の条）"}}
  - {role: security_manager, title: 情報セキュリティ管理者, source: {clause: "TODO"}}
  - {role: department_head, title: 所属長, source: {clause: "TODO"}}
  - {role: applicant, title: TODO（申請する者の職名）, source: {clause: "TODO"}}
  - {role: service_manager, title: 外部サービス管理者, source: {clause: "TODO"}}
  - {role: system_department, title: TODO（情報政策担当課の名称）, source: {clause: "TODO"}}

tracks:
  high:
    label: 機密性2以上の情報を取り扱う場合
    source: {clause: "TODO（外部サービスの利用（機密性2以上）の条）"}
    applicant: {role: applicant, title: TODO（申請者）, source: {clause: "TODO"}}
    approver: {role: security_manager, title: TODO（許可権限者）, source: {clause: "TODO"}}
    # 規程が許可権限者を定めていない場合: approver: null と approver_gap: {message, severity, source}
    self_approval: false
    service_manager:
      title: 外部サービス管理者
      designation: designated_by_approver  # TODO: applicant | approver | designated_by_approver | owning_department_head | unspecified
      rule: TODO（承認の際に外部サービス管理者がどう決まるか、自分の言葉で）
      source: {clause: "TODO"}
    forms:
      - {id: TODO（様式番号）, title: TODO（申請書の名称）, source: {clause: "TODO"}}
  low:
    label: 機密性2以上の情報を取り扱わない場合
    source: {clause: "TODO（外部サービスの利用（機密性2以上を取り扱わない場合）の条）"}
    applicant: {role: applicant, title: TODO（申請者）, source: {clause: "TODO"}}
    approver: {role: department_head, title: TODO（許可権限者）, source: {clause: "TODO"}}
    self_approval: false
    service_manager:
      title: 外部サービス管理者
      designation: approver  # TODO
      rule: TODO
      source: {clause: "TODO"}
    forms: []

ledger_fields:
  # TODO: 規程が台帳に記録させる事項。なければ削除してください。
  - {id: service_name, label: 外部サービスの名称, source: {clause: "TODO"}}
  - {id: provider_name, label: 外部サービス提供者の名称, source: {clause: "TODO"}}
  - {id: purpose, label: 利用目的, source: {clause: "TODO"}}
  - {id: classification, label: 取り扱う情報の格付, source: {clause: "TODO"}}
  - {id: period, label: 利用期間, source: {clause: "TODO"}}
  - {id: service_manager, label: 外部サービス管理者, source: {clause: "TODO"}}

workflow: {}

items:
  # 選定条件の例。市の規程にある条件だけを残し、文言は自分の言葉で、条項を引用してください。
  - id: sel.high.provider-reliability
    phase: selection
    track: high
    text: TODO（例：外部サービス提供者の信頼性を第三者認証等で確認する）
    source: {clause: "TODO"}
  - id: sel.high.data-location
    phase: selection
    track: high
    text: TODO（例：データの保存場所と準拠法・管轄裁判所を確認する）
    source: {clause: "TODO"}
  - id: sel.high.terms-acceptable
    phase: selection
    track: high
    when: {fact: terms_only}
    text: TODO（例：約款のみの場合に受容できるか判断する）
    source: {clause: "TODO"}
    response: accept_or_mitigate
  - id: build.high.access-control
    phase: build
    track: high
    text: TODO（例：利用者の認証とアクセス権限の管理）
    source: {clause: "TODO"}
    required_before_operation: true
  - id: term.any.data-disposal
    phase: termination
    text: TODO（例：利用終了時のデータ消去の確認）
    source: {clause: "TODO"}

findings:
  - code: pia_required
    severity: warn
    when: {fact: handles_specific_personal_info}
    message: TODO（特定個人情報を取り扱う場合の規定）
    source: {clause: "TODO"}

rechecks:
  - id: recheck.terms-changed
    triggers: [terms_changed, configuration_changed]
    responsible: service_manager
    text: TODO（利用規約等の変更時の再確認の規定）
    source: {clause: "TODO"}
"""

_CASES_TEMPLATE = """\
# yaml-language-server: $schema=cases.schema.json
# @CITY@ の受入試験表。kumokan policy test @CITY@.yaml @CITY@.cases.yaml で実行します。
# Acceptance table: each case states facts and what the judgment must say.
pack: @CITY@
defaults:
  service_name: 試験サービス
  provider: 試験株式会社
  purpose: 試験
  service_model: saas
cases:
  - name: 機密性2は高い区分（TODO 期待値を規程から）
    facts: {confidentiality: "2"}
    expect:
      track: high
  - name: 機密性1は低い区分
    facts: {confidentiality: "1"}
    expect:
      track: low
"""


REFERENCE_BEGIN = "<!-- BEGIN GENERATED: kumokan policy reference -->"
REFERENCE_END = "<!-- END GENERATED -->"
# The pack's sections in the order the guide explains them, then the shapes they use.
_REFERENCE_ORDER = (
    "Pack",
    "Document",
    "Source",
    "Classification",
    "Confidentiality",
    "Scale",
    "Level",
    "RoleTitle",
    "Tracks",
    "Track",
    "Person",
    "ApproverGap",
    "ServiceManagerRule",
    "Form",
    "LedgerField",
    "Workflow",
    "Report",
    "Item",
    "Finding",
    "Recheck",
    "MeetingRules",
)


def reference_markdown() -> str:
    """Reference tables of every pack field and value, generated from the JSON Schema (docs/packs.md)."""
    schema = pack_schema()
    defs = {"Pack": schema, **schema["$defs"]}
    out = [REFERENCE_BEGIN, "", "`kumokan policy reference` が書いた部分です（手で直さないでください）。", ""]
    conditions = [
        ref["$ref"].rsplit("/", 1)[1]
        for ref in schema["$defs"]["Item"]["properties"]["when"]["anyOf"][0]["oneOf"]
    ]
    # Shapes added to the models later are listed after the known ones, so none is left out.
    later = sorted(
        n for n, m in defs.items() if "properties" in m and n not in _REFERENCE_ORDER + tuple(conditions)
    )
    for name in (*_REFERENCE_ORDER, *later):
        model = defs[name]
        out += [f"#### `{name}`", "", "| field | type | required / default |", "|---|---|---|"]
        required = set(model.get("required", ()))
        for field_name, spec in model["properties"].items():
            need = "**required**" if field_name in required else f"`{_default(spec)}`"
            out.append(f"| `{field_name}` | {_type(spec)} | {need} |")
        out.append("")
    out += ["#### Values", "", "| name | values |", "|---|---|"]
    for name, model in sorted(defs.items()):
        if "enum" in model and name != "Pack":
            out.append(f"| `{name}` | {', '.join(f'`{v}`' for v in model['enum'])} |")
    out += ["", "#### Conditions (`when`)", "", "| operator | shape |", "|---|---|"]
    for name in conditions:
        cond = defs[name]
        ((key, spec),) = cond["properties"].items()
        out.append(f"| `{key}` | {_type(spec)} |")
    out += ["", REFERENCE_END]
    return "\n".join(out) + "\n"


def update_reference(markdown: str) -> str:
    """`markdown` with the text between the generated-reference markers replaced by the current tables."""
    start, end = markdown.index(REFERENCE_BEGIN), markdown.index(REFERENCE_END) + len(REFERENCE_END)
    return markdown[:start] + reference_markdown().rstrip("\n") + markdown[end:]


def _default(spec: dict[str, Any]) -> str:
    return json.dumps(spec.get("default"), ensure_ascii=False)


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return f"`{spec['$ref'].rsplit('/', 1)[1]}`"
    if "anyOf" in spec:
        return " or ".join(_type(s) for s in spec["anyOf"])
    if "oneOf" in spec:
        return "condition"
    if "enum" in spec:
        return " \\| ".join(f"`{v}`" for v in spec["enum"])
    kind = spec.get("type")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if kind == "object":
        value = spec.get("additionalProperties")
        return f"mapping to {_type(value)}" if isinstance(value, dict) else "mapping"
    if kind == "integer" and "exclusiveMinimum" in spec:
        return f"integer > {spec['exclusiveMinimum']}"
    if kind == "string" and spec.get("minLength"):
        return "text (not empty)"
    return {"string": "text", "boolean": "true / false", "null": "null", "integer": "integer"}.get(
        str(kind), str(kind)
    )
