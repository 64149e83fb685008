"""Errors the engine reports: each names where the problem is, in Japanese and English."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """Escape control characters, so that one problem stays on one line (keys come from user input)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Problem:
    """One problem with one input key (facts) or one place in a pack file."""

    where: str
    ja: str
    en: str
    code: str = field(default="", compare=False)  # its entry in MESSAGES ("" for a caller's own)

    @classmethod
    def of(cls, where: str, code: str, **params: object) -> Problem:
        """The problem of MESSAGES[code], its words filled with `params`."""
        ja, en = message(code, **params)
        return cls(where, ja, en, code)

    def line(self) -> str:
        return _one_line(f"{self.where}: {self.ja} / {self.en}")


class PolicyError(Exception):
    """Base of the engine's refusals."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.line() for p in problems))
        self.problems = problems


class FactsError(PolicyError):
    """The facts are not valid for the packs: CLI exit status 2."""


class PackError(PolicyError):
    """A pack file does not validate."""


class UnknownPack(PolicyError):
    """No pack has this id: CLI exit status 3."""

    def __init__(self, pack_id: str, known: list[str]) -> None:
        super().__init__([Problem.of("pack", "unknown_pack", pack_id=pack_id, known=", ".join(known))])
        self.pack_id = pack_id


# Every refusal the engine writes itself, by code: (Japanese, English) templates filled by str.format
# with the raise site's parameters. The words are those each raise site wrote before (tests and
# CONTRACT.md's one-line errors read them); a caller that shows them picks the language it needs.
# Pydantic's own errors are named by its error type and translated in FIELD_ERRORS below.
MESSAGES: dict[str, tuple[str, str]] = {
    # Loading a pack
    "unknown_pack": (
        "「{pack_id}」というパックはありません（あるもの: {known}）",
        "no pack has the id {pack_id!r} (known: {known})",
    ),
    "id_not_file_name": (
        "ファイル名と id が一致しません（{id}）",
        "the id {id!r} does not match the file name",
    ),
    "unreadable": ("読めません（{reason}）", "cannot be read ({reason})"),
    "not_utf8": ("UTF-8 ではありません", "is not UTF-8 ({reason})"),
    "invalid_yaml": ("YAML として読めません（{detail}）", "invalid YAML: {detail}"),
    "not_a_mapping": ("パックは対応表（mapping）です", "a pack is a mapping"),
    "not_a_condition": (
        "条件は all / any / not / track / fact / eq / ne / in / at_least / at_most / has_any の"
        "いずれか1つのキーを持つ対応表です",
        "a condition is a mapping with exactly one of: all, any, not, track, fact, eq, ne, in, at_least, at_most, has_any",
    ),
    # A case table (`kumokan policy test`)
    "table_unreadable": ("読めません", "cannot be read ({reason})"),
    "table_invalid_yaml": ("YAML として読めません", "invalid YAML: {detail}"),
    # A pack's meaning (kumokan.policy.checks)
    "seed_or_document": (
        "seed（種の文書）か document（市の規程）のどちらかを書いてください",
        "name the pack's seed file or its document (the city's own regulation)",
    ),
    "not_in_overlay": ("上乗せパック（overlay）には書けません", "an overlay pack cannot have this section"),
    "required_in_municipality": ("自治体のパックには必須です", "required in a municipality pack"),
    "not_a_mic_class": ("自治体機密性の区分ではありません（{classes}）", "not a MIC class ({classes})"),
    "not_a_level": ("levels にない区分です", "not one of the levels"),
    "approver_gap_missing": (
        "許可権限者がない場合は approver_gap で理由を書いてください",
        "with no approver, approver_gap must say why",
    ),
    "approver_gap_unneeded": (
        "許可権限者があるのに approver_gap があります",
        "approver_gap is for tracks with no approver",
    ),
    "self_approval_roles": (
        "自己承認では許可権限者と申請者が同じ役割です",
        "self-approval needs the approver's role to be the applicant's",
    ),
    "bad_id": (
        "id「{value}」は英小文字・数字・. _ - で書いてください",
        "id {value!r} must be lower case letters, digits, '.', '_' or '-'",
    ),
    "duplicate": ("「{value}」が重複しています", "{value!r} appears {count} times"),
    "meeting_track": ("会議の条件に track は使えません", "meeting conditions cannot test the track"),
    "unknown_fact": ("未知の事実「{name}」です（{known}）", "unknown fact {name!r} (known: {known})"),
    "operator_not_for_fact": ("{op} は「{name}」に使えません", "{op} cannot test {name!r}"),
    "operator_classification_only": (
        "{op} は格付（{facts}）だけに使えます",
        "{op} tests a classification only",
    ),
    "true_or_false": ("「{name}」は true か false です", "{name!r} is true or false"),
    "overlay_classification": ("上乗せパックは「{name}」を判定できません", "an overlay cannot test {name!r}"),
    "values_not_allowed": (
        "「{name}」に使えない値です: {bad}（{shown}）",
        "values not allowed for {name!r}: {bad} ({shown})",
    ),
    # Judging: the packs named
    "no_pack": ("パックを指定してください", "name at least one pack"),
    "pack_repeated": ("同じパックが2回指定されています（{shown}）", "a pack is given twice ({shown})"),
    "overlay_first": (
        "最初のパックは自治体のパックです（「{pack_id}」は上乗せパック）",
        "the first pack must be a municipality's ({pack_id!r} is an overlay)",
    ),
    "municipality_after_first": (
        "2つ目以降は上乗せパックです（「{pack_id}」は自治体のパック）",
        "packs after the first must be overlays ({pack_id!r} is a municipality's)",
    ),
    "no_meeting_rules": (
        "パック「{pack_id}」にはウェブ会議の規定がありません",
        "pack {pack_id!r} has no web-conference rules",
    ),
    # Judging: the facts
    "facts_too_large": (
        "事実ファイルが大きすぎます（{limit:,} バイトまで）",
        "the facts file is larger than {limit:,} bytes (1 MB)",
    ),
    "facts_not_utf8": ("UTF-8 ではありません", "not UTF-8"),
    "facts_too_deep": ("入れ子が深すぎます（{limit} 段まで）", "nested more than {limit} levels deep"),
    "facts_not_json": (
        "JSON として読めません（{line}行 {column}列）",
        "not valid JSON (line {line}, column {column}): {reason}",
    ),
    "facts_key_twice": (
        "キー「{key}」が同じオブジェクトに2回あります",
        "the key {key!r} appears twice in one object",
    ),
    "facts_bad_number": ("数値として読めない値があります", "a number is too long or not a JSON number"),
    "facts_not_object": ("JSON のオブジェクトで指定してください", "facts must be a JSON object"),
    "not_a_code": (
        "「{value}」は{issuer}の区分ではありません（{shown}）",
        "{value!r} is not a classification code of pack {pack_id} ({shown})",
    ),
    "contradictory_classes": (
        "自治体機密性「{mic}」と{issuer}の区分「{label}」は矛盾します"
        "（{issuer}のパックは両者の対応を定めていません。{issuer}の区分で格付してください）",
        "MIC class {mic!r} contradicts {given!r}; pack {pack_id} "
        "maps no MIC class to its own scale, so classify with the pack's own codes",
    ),
    "empty": ("空にできません", "must not be empty"),
    "country": (
        "ISO 3166 の2文字の国コード（例: JP）で指定してください",
        "must be an ISO 3166 alpha-2 code such as JP",
    ),
}


# Pydantic's errors keep its English words; their Japanese by its error type, for the facts and for a
# pack file (which the city's staff edit: "write it as ..."), and for any type not listed.
INVALID_JA = "値が正しくありません"
FACTS_FIELD_JA = {
    "missing": "必須です",
    "extra_forbidden": "未知のキーです",
    "string_type": "文字列で指定してください",
    "bool_type": "true か false で指定してください",
    "enum": "次のいずれかで指定してください",
    "tuple_type": "配列で指定してください",
    "list_type": "配列で指定してください",
    "frozen_set_type": "配列で指定してください",
    "set_type": "配列で指定してください",
    "model_type": "JSON のオブジェクトで指定してください",
    "dict_type": "JSON のオブジェクトで指定してください",
}
PACK_FIELD_JA = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "この項目は定義されていません（綴りを確認してください）",
    "string_type": "文字列で書いてください",
    "bool_type": "true か false で書いてください",
    "bool_parsing": "true か false で書いてください",
    "int_type": "整数で書いてください",
    "literal_error": "許される値ではありません",
    "enum": "許される値ではありません",
    "too_short": "空にできません",
    "string_too_short": "空にできません",
    "too_long": "多すぎます",
    "tuple_type": "リストで書いてください",
    "dict_type": "対応表（mapping）で書いてください",
    "model_type": "対応表（mapping）で書いてください",
    "greater_than": "0 より大きい数にしてください",
}
# Facts' own checks (kumokan.policy.facts) raise ValueError with one of these codes of MESSAGES.
VALUE_ERRORS = frozenset({"empty", "country"})


def message(code: str, **params: object) -> tuple[str, str]:
    """The (Japanese, English) words of one refusal of MESSAGES, filled with its parameters."""
    ja, en = MESSAGES[code]
    return ja.format(**params), en.format(**params)
