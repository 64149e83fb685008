"""Checks a pack's meaning once its shape is valid: ids, roles, and that conditions fit the facts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from kumokan.policy.conditions import Condition, TrackIs, uses
from kumokan.policy.facts import (
    CLASSIFICATION_FACTS,
    COUNTRY_FACTS,
    FACT_VALUES,
    ISO_3166_ALPHA_2,
    MUNICIPAL_ORDER,
    Facts,
    MeetingFacts,
    fact_kinds,
)
from kumokan.policy.pack import ID_PATTERN, Finding, Item, Pack, Recheck

Issue = tuple[tuple[Any, ...], str, str]

_FACT_KINDS = fact_kinds(Facts)
_MEETING_KINDS = fact_kinds(MeetingFacts)


def check_pack(pack: Pack) -> list[Issue]:
    """Every problem of meaning in a pack whose shape validated."""
    issues: list[Issue] = []
    if pack.seed is None and pack.document is None:
        issues.append(
            (
                ("seed",),
                "seed（種の文書）か document（市の規程）のどちらかを書いてください",
                "name the pack's seed file or its document (the city's own regulation)",
            )
        )
    issues += _check_kind(pack)
    issues += _check_ids("items", [i.id for i in pack.items])
    issues += _check_ids("rechecks", [r.id for r in pack.rechecks])
    issues += _check_ids("ledger_fields", [f.id for f in pack.ledger_fields])
    if pack.meeting:
        issues += _check_ids("meeting.measures", [m.id for m in pack.meeting.measures])
    orders = pack.orders()
    rules: list[tuple[str, Sequence[Item | Finding | Recheck]]] = [
        ("items", pack.items),
        ("findings", pack.findings),
        ("rechecks", pack.rechecks),
    ]
    for section, entries in rules:
        for n, entry in enumerate(entries):
            issues += _check_condition((section, n, "when"), entry.when, _FACT_KINDS, orders, meeting=False)
    if pack.meeting:
        meeting_rules: list[tuple[str, Sequence[Item | Finding]]] = [
            ("measures", pack.meeting.measures),
            ("findings", pack.meeting.findings),
        ]
        for section, rules_of_meeting in meeting_rules:
            for n, rule in enumerate(rules_of_meeting):
                loc = ("meeting", section, n, "when")
                issues += _check_condition(loc, rule.when, _MEETING_KINDS, orders, meeting=True)
    return issues


def _check_kind(pack: Pack) -> list[Issue]:
    issues: list[Issue] = []
    if pack.kind == "overlay":
        for name in ("classification", "tracks"):
            if getattr(pack, name) is not None:
                issues.append(
                    (
                        (name,),
                        "上乗せパック（overlay）には書けません",
                        "an overlay pack cannot have this section",
                    )
                )
        return issues
    for name in ("classification", "tracks"):
        if getattr(pack, name) is None:
            issues.append(((name,), "自治体のパックには必須です", "required in a municipality pack"))
    if pack.classification:
        conf = pack.classification.confidentiality
        for scale_name, scale in (
            ("confidentiality", conf),
            ("availability", pack.classification.availability),
        ):
            issues += _check_ids(
                f"classification.{scale_name}.levels", [lv.code for lv in scale.levels], code=True
            )
        if (
            conf.municipal_high_track_from is not None
            and conf.municipal_high_track_from not in MUNICIPAL_ORDER
        ):
            issues.append(
                (
                    ("classification", "confidentiality", "municipal_high_track_from"),
                    f"自治体機密性の区分ではありません（{', '.join(MUNICIPAL_ORDER)}）",
                    f"not a MIC class ({', '.join(MUNICIPAL_ORDER)})",
                )
            )
        if conf.high_track_from not in [lv.code for lv in conf.levels]:
            issues.append(
                (
                    ("classification", "confidentiality", "high_track_from"),
                    "levels にない区分です",
                    "not one of the levels",
                )
            )
    if pack.tracks:
        for name in ("high", "low"):
            track = getattr(pack.tracks, name)
            loc = ("tracks", name)
            if track.approver is None and track.approver_gap is None:
                issues.append(
                    (
                        (*loc, "approver"),
                        "許可権限者がない場合は approver_gap で理由を書いてください",
                        "with no approver, approver_gap must say why",
                    )
                )
            if track.approver is not None and track.approver_gap is not None:
                issues.append(
                    (
                        (*loc, "approver_gap"),
                        "許可権限者があるのに approver_gap があります",
                        "approver_gap is for tracks with no approver",
                    )
                )
            if track.self_approval and (
                track.approver is None or track.approver.role != track.applicant.role
            ):
                issues.append(
                    (
                        (*loc, "self_approval"),
                        "自己承認では許可権限者と申請者が同じ役割です",
                        "self-approval needs the approver's role to be the applicant's",
                    )
                )
    return issues


def _check_ids(section: str, ids: Iterable[str], code: bool = False) -> list[Issue]:
    issues: list[Issue] = []
    listed = list(ids)
    loc = tuple(int(p) if p.isdigit() else p for p in section.split("."))
    for n, value in enumerate(listed):
        if not code and not ID_PATTERN.match(value):
            issues.append(
                (
                    (*loc, n, "id"),
                    f"id「{value}」は英小文字・数字・. _ - で書いてください",
                    f"id {value!r} must be lower case letters, digits, '.', '_' or '-'",
                )
            )
    for value, count in Counter(listed).items():
        if count > 1:
            n = listed.index(value, listed.index(value) + 1)
            issues.append(((*loc, n), f"「{value}」が重複しています", f"{value!r} appears {count} times"))
    return issues


def _check_condition(
    loc: tuple[Any, ...],
    condition: Condition | None,
    kinds: dict[str, str],
    orders: dict[str, list[str]],
    meeting: bool,
) -> list[Issue]:
    issues: list[Issue] = []
    if condition is None:
        return issues
    if meeting and _mentions_track(condition):
        issues.append((loc, "会議の条件に track は使えません", "meeting conditions cannot test the track"))
    for op, name, values in uses(condition):
        kind = kinds.get(name)
        if kind is None:
            known = ", ".join(sorted(kinds))
            issues.append(
                (loc, f"未知の事実「{name}」です（{known}）", f"unknown fact {name!r} (known: {known})")
            )
            continue
        expected = {"fact": "bool", "has_any": "set", "at_least": "value", "at_most": "value"}.get(op)
        if expected and kind != expected:
            issues.append((loc, f"{op} は「{name}」に使えません", f"{op} cannot test {name!r}"))
            continue
        if op in {"at_least", "at_most"} and name not in CLASSIFICATION_FACTS:
            issues.append(
                (
                    loc,
                    f"{op} は格付（{', '.join(CLASSIFICATION_FACTS)}）だけに使えます",
                    f"{op} tests a classification only",
                )
            )
            continue
        issues += _check_values(loc, name, kind, values, orders)
    return issues


def _check_values(
    loc: tuple[Any, ...], name: str, kind: str, values: tuple[Any, ...], orders: dict[str, list[str]]
) -> list[Issue]:
    if kind == "bool":
        if all(isinstance(v, bool) for v in values):
            return []
        return [(loc, f"「{name}」は true か false です", f"{name!r} is true or false")]
    allowed: Iterable[str] | None = FACT_VALUES.get(name)
    if name in CLASSIFICATION_FACTS:
        if name not in orders:
            return [(loc, f"上乗せパックは「{name}」を判定できません", f"an overlay cannot test {name!r}")]
        allowed = orders[name]
    bad = [v for v in values if not isinstance(v, str) or (allowed is not None and v not in allowed)]
    if name in COUNTRY_FACTS:
        bad = [v for v in values if v not in ISO_3166_ALPHA_2]
    if bad:
        shown = ", ".join(sorted(allowed)) if allowed is not None and name not in CLASSIFICATION_FACTS else ""
        if allowed is not None and name in CLASSIFICATION_FACTS:
            shown = ", ".join(allowed)
        return [
            (
                loc,
                f"「{name}」に使えない値です: {bad}（{shown}）",
                f"values not allowed for {name!r}: {bad} ({shown})",
            )
        ]
    return []


def _mentions_track(condition: BaseModel) -> bool:
    if isinstance(condition, TrackIs):
        return True
    for value in condition.__dict__.values():
        children = value if isinstance(value, tuple) else (value,)
        if any(isinstance(c, BaseModel) and _mentions_track(c) for c in children):
            return True
    return False
