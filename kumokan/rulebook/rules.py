"""A pack as a rulebook: every rule grouped by its clause, in the order the city's rules give them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from kumokan.applications.forms import FactsForm
from kumokan.core.citations import anchor
from kumokan.core.clauses import in_the_rules_order
from kumokan.core.labels import PHASE_LABELS, SEVERITY_LABELS
from kumokan.errors import reads_english
from kumokan.meetings.forms import MeetingForm
from kumokan.policy.conditions import AllOf, Combinator, Condition, NotOf, Test, TrackIs, fold, term
from kumokan.policy.pack import Basis, Pack, Source
from kumokan.policy.tracks import TRACKS, TrackScope
from kumokan.tenancy.vocabulary import level_label, vocabulary_of_pack


@dataclass(frozen=True)
class Rule:
    kind: str  # what the rule is, in words (Checklist item, Finding, Re-check, Form …)
    text: str
    phase: str = ""
    track: str = ""  # the track's label where the rule holds on one track only
    conditions: str = ""  # when it applies, in words
    note: str = ""
    evidence: str = ""
    severity: str = ""


@dataclass
class Clause:
    clause: str
    anchor: str
    rules: list[Rule] = field(default_factory=list)


def _fields() -> dict[str, forms.Field]:
    return {**FactsForm.base_fields, **MeetingForm.base_fields}


def _label(name: str) -> str:
    found = _fields().get(name)
    return str(found.label) if found is not None and found.label else name


def _value(name: str, value: Any, pack: Pack) -> str:
    """A fact's value as the form offering it names it (a classification code as the pack's level)."""
    if pack.classification is not None and name in ("confidentiality", "availability"):
        classification = pack.classification
        scale = classification.availability if name == "availability" else classification.confidentiality
        for level in scale.levels:
            if level.code == value:
                return level_label(level)
    found = _fields().get(name)
    for code, label in getattr(found, "choices", ()) or ():
        if str(code) == str(value):
            return str(label)
    return str(value)


def in_words(condition: Condition | None, pack: Pack) -> str:
    """When a rule applies, as a sentence in the active language (empty: it always applies)."""
    if condition is None:
        return ""
    return fold(condition, lambda test: _test_words(test, pack), _combined_words)


def _combined_words(combinator: Combinator, parts: Iterator[str]) -> str:
    if isinstance(combinator, NotOf):
        return _("not: %(condition)s") % {"condition": next(parts)}
    joined = (_(" and ") if isinstance(combinator, AllOf) else _(" or ")).join(parts)
    return f"（{joined}）" if not reads_english() else f"({joined})"


def _test_words(test: Test, pack: Pack) -> str:
    if isinstance(test, TrackIs):
        return _track_label(pack, test.track)
    op, name, values = term(test)
    label = _label(name)
    if op == "fact":
        return label
    if op == "eq":
        return _("%(fact)s is %(value)s") % {"fact": label, "value": _value(name, values[0], pack)}
    if op == "ne":
        return _("%(fact)s is not %(value)s") % {"fact": label, "value": _value(name, values[0], pack)}
    shown = (", " if reads_english() else "、").join(_value(name, v, pack) for v in values)
    if op == "in":
        return _("%(fact)s is one of %(values)s") % {"fact": label, "values": shown}
    if op == "has_any":
        return _("%(fact)s include any of %(values)s") % {"fact": label, "values": shown}
    if op == "at_least":
        return _("%(fact)s is %(value)s or higher") % {"fact": label, "value": shown}
    return _("%(fact)s is %(value)s or lower") % {"fact": label, "value": shown}


def _track_label(pack: Pack, track: TrackScope) -> str:
    """The label of the one track a rule stands on (empty: it stands on both)."""
    if pack.tracks is None or track == "any":
        return ""
    # The pack's long label (a sentence is wanted here); in English the product's (tenancy.vocabulary).
    return vocabulary_of_pack(pack).track(track)


def _text(text: str, text_en: str | None) -> str:
    return text_en if reads_english() and text_en else text


def _organisation(pack: Pack) -> Iterable[tuple[Source, Rule]]:
    """Who applies, approves and manages, the forms and the ledger's fields: the rules the items rest on."""
    for entry in pack.roles:
        yield entry.source, Rule(_("Role"), entry.title)
    if pack.tracks is not None:
        for code in TRACKS:
            track = getattr(pack.tracks, code)
            yield track.source, Rule(_("Track"), track.label)
            yield (
                track.applicant.source,
                Rule(
                    _("Applicant"),
                    track.applicant.title,
                    track=_track_label(pack, code),
                    note=track.applicant.note or "",
                ),
            )
            if track.approver is not None:
                yield (
                    track.approver.source,
                    Rule(
                        _("Approver"),
                        track.approver.title,
                        track=_track_label(pack, code),
                        note=track.approver.note or "",
                    ),
                )
            if track.approver_gap is not None:
                yield (
                    track.approver_gap.source,
                    Rule(_("Approver"), track.approver_gap.message, track=_track_label(pack, code)),
                )
            manager = track.service_manager
            yield (
                manager.source,
                Rule(
                    _("Service manager"),
                    f"{manager.title}：{manager.rule}",
                    track=_track_label(pack, code),
                    note=manager.note or "",
                ),
            )
            for form in track.forms:
                yield form.source, Rule(_("Form"), f"{form.id} {form.title}", track=_track_label(pack, code))
    # A field of the ledger as the city names it (Kobe: 情報システム台帳の項目, 5.2.1④).
    field_kind = _("%(ledger)s field") % {"ledger": vocabulary_of_pack(pack).ledger}
    for ledger_field in pack.ledger_fields:
        yield ledger_field.source, Rule(field_kind, ledger_field.label)


def _rules(pack: Pack) -> Iterable[tuple[Source, Rule]]:
    yield from _organisation(pack)
    for item in pack.items:
        yield (
            item.source,
            Rule(
                _("Checklist item"),
                _text(item.text, item.text_en),
                phase=str(PHASE_LABELS.get(item.phase.value, item.phase.value)),
                track=_track_label(pack, item.track),
                conditions=in_words(item.when, pack),
                note=item.note or "",
                evidence=item.evidence or "",
            ),
        )
    for finding in pack.findings:
        yield (
            finding.source,
            Rule(
                _("Finding"),
                _text(finding.message, finding.message_en),
                track=_track_label(pack, finding.track),
                conditions=in_words(finding.when, pack),
                note=finding.note or "",
                severity=str(SEVERITY_LABELS.get(finding.severity.value, "")),
            ),
        )
    for recheck in pack.rechecks:
        yield (
            recheck.source,
            Rule(
                _("Re-check"),
                _text(recheck.text, recheck.text_en),
                track=_track_label(pack, recheck.track),
                conditions=in_words(recheck.when, pack),
                note=recheck.note or "",
            ),
        )
    if pack.meeting is not None:
        for measure in pack.meeting.measures:
            yield (
                measure.source,
                Rule(
                    _("Web-conference measure"),
                    _text(measure.text, measure.text_en),
                    conditions=in_words(measure.when, pack),
                    note=measure.note or "",
                ),
            )


def rulebook(pack: Pack, query: str = "") -> list[Clause]:
    """The pack's rules grouped by clause, clauses in the rules' own order (in_the_rules_order).

    Only rules citing a seed clause are listed (a value the contract or the city sets has no clause),
    and with a query only the rules whose clause, text, conditions or note contain it.
    """
    wanted = query.strip().casefold()
    clauses: dict[str, Clause] = {}
    for source, rule in _rules(pack):
        if source.basis != Basis.SEED:
            continue
        if wanted and not any(
            wanted in part.casefold()
            for part in (source.clause, rule.text, rule.conditions, rule.note, rule.evidence, rule.kind)
        ):
            continue
        clause = clauses.setdefault(source.clause, Clause(source.clause, anchor(source.clause)))
        clause.rules.append(rule)
    return in_the_rules_order(clauses.values(), lambda found: found.clause)
