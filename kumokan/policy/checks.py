"""Checks a pack's meaning once its shape is valid: ids, roles, and that conditions fit the facts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from kumokan.policy.conditions import Condition, mentions_track, uses
from kumokan.policy.errors import message
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
from kumokan.policy.tracks import TRACKS

Issue = tuple[tuple[Any, ...], str, str]  # where in the pack, Japanese, English


def _issue(loc: tuple[Any, ...], code: str, **params: object) -> Issue:
    return (loc, *message(code, **params))


_FACT_KINDS = fact_kinds(Facts)
_MEETING_KINDS = fact_kinds(MeetingFacts)


def check_pack(pack: Pack) -> list[Issue]:
    """Every problem of meaning in a pack whose shape validated."""
    issues: list[Issue] = []
    if pack.seed is None and pack.document is None:
        issues.append(_issue(("seed",), "seed_or_document"))
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
                issues.append(_issue((name,), "not_in_overlay"))
        return issues
    for name in ("classification", "tracks"):
        if getattr(pack, name) is None:
            issues.append(_issue((name,), "required_in_municipality"))
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
                _issue(
                    ("classification", "confidentiality", "municipal_high_track_from"),
                    "not_a_mic_class",
                    classes=", ".join(MUNICIPAL_ORDER),
                )
            )
        if conf.high_track_from not in [lv.code for lv in conf.levels]:
            issues.append(_issue(("classification", "confidentiality", "high_track_from"), "not_a_level"))
    if pack.tracks:
        for name in TRACKS:
            track = getattr(pack.tracks, name)
            loc = ("tracks", name)
            if track.approver is None and track.approver_gap is None:
                issues.append(_issue((*loc, "approver"), "approver_gap_missing"))
            if track.approver is not None and track.approver_gap is not None:
                issues.append(_issue((*loc, "approver_gap"), "approver_gap_unneeded"))
            if track.self_approval and (
                track.approver is None or track.approver.role != track.applicant.role
            ):
                issues.append(_issue((*loc, "self_approval"), "self_approval_roles"))
    return issues


def _check_ids(section: str, ids: Iterable[str], code: bool = False) -> list[Issue]:
    issues: list[Issue] = []
    listed = list(ids)
    loc = tuple(int(p) if p.isdigit() else p for p in section.split("."))
    for n, value in enumerate(listed):
        if not code and not ID_PATTERN.match(value):
            issues.append(_issue((*loc, n, "id"), "bad_id", value=value))
    for value, count in Counter(listed).items():
        if count > 1:
            n = listed.index(value, listed.index(value) + 1)
            issues.append(_issue((*loc, n), "duplicate", value=value, count=count))
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
    if meeting and mentions_track(condition):
        issues.append(_issue(loc, "meeting_track"))
    for op, name, values in uses(condition):
        kind = kinds.get(name)
        if kind is None:
            known = ", ".join(sorted(kinds))
            issues.append(_issue(loc, "unknown_fact", name=name, known=known))
            continue
        expected = {"fact": "bool", "has_any": "set", "at_least": "value", "at_most": "value"}.get(op)
        if expected and kind != expected:
            issues.append(_issue(loc, "operator_not_for_fact", op=op, name=name))
            continue
        if op in {"at_least", "at_most"} and name not in CLASSIFICATION_FACTS:
            issues.append(
                _issue(loc, "operator_classification_only", op=op, facts=", ".join(CLASSIFICATION_FACTS))
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
        return [_issue(loc, "true_or_false", name=name)]
    allowed: Iterable[str] | None = FACT_VALUES.get(name)
    if name in CLASSIFICATION_FACTS:
        if name not in orders:
            return [_issue(loc, "overlay_classification", name=name)]
        allowed = orders[name]
    bad = [v for v in values if not isinstance(v, str) or (allowed is not None and v not in allowed)]
    if name in COUNTRY_FACTS:
        bad = [v for v in values if v not in ISO_3166_ALPHA_2]
    if bad:
        shown = ", ".join(sorted(allowed)) if allowed is not None and name not in CLASSIFICATION_FACTS else ""
        if allowed is not None and name in CLASSIFICATION_FACTS:
            shown = ", ".join(allowed)
        return [_issue(loc, "values_not_allowed", name=name, bad=bad, shown=shown)]
    return []
