"""Judging one planned use against a municipality's pack and its overlays."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ValidationError

from kumokan.policy import schemas
from kumokan.policy.conditions import Context, holds, uses
from kumokan.policy.errors import FACTS_FIELD_JA, INVALID_JA, VALUE_ERRORS, FactsError, Problem
from kumokan.policy.facts import MUNICIPAL_ORDER, Facts, MeetingFacts
from kumokan.policy.loader import LoadedMunicipality, LoadedOverlay, LoadedPack
from kumokan.policy.pack import (
    Basis,
    Finding,
    Item,
    MunicipalityPack,
    Pack,
    Person,
    Phase,
    Recheck,
    Role,
    Severity,
    Source,
)
from kumokan.policy.tracks import TrackCode

# The engine's output, typed as CONTRACT.md describes it (kumokan.policy.schemas): a judgment stored
# by an earlier version lacks the keys marked NotRequired there, so readers .get() those.
Judgment = schemas.Judgment
MeetingJudgment = schemas.MeetingJudgment
M = TypeVar("M", bound=BaseModel)


def judge(
    facts: Mapping[str, Any] | Facts,
    municipality_pack: LoadedMunicipality,
    *,
    configured_approver: str | None = None,
) -> Judgment:
    """The judgment of CONTRACT.md for these facts under a municipality's pack and the overlays applied
    to it (LoadedMunicipality.overlaid). An overlay alone is not judged: its type says so.

    The packs come loaded, from a PackLibrary (kumokan.policy.library), whose `judge` takes pack ids.

    `configured_approver` is the municipality's setting for a track whose seed names no approver.
    """
    packs = municipality_pack.packs
    check_pack_ids([p.id for p in packs])
    municipality = municipality_pack.pack
    checked, data = _facts(facts, municipality)
    orders = municipality.orders()
    track_name = _track(municipality, checked)
    track = getattr(municipality.tracks, track_name)
    ctx = Context(data, track_name, orders)

    by_phase: dict[str, list[schemas.Item]] = {phase.value: [] for phase in Phase}
    findings: list[schemas.Finding] = []
    for loaded in packs:
        pack = loaded.pack
        for item in pack.items:
            if _applies(item, ctx):
                by_phase[item.phase.value].append(item_data(pack, item))
        findings += [finding_data(pack, f) for f in pack.findings if _applies(f, ctx)]
    findings = _one_per_code(findings)

    approver: schemas.Person | None = None
    if track.approver is not None:
        approver = _person(municipality, track.approver)
    elif configured_approver:
        assert track.approver_gap is not None
        approver = {
            "title": configured_approver,
            "role": Role.APPROVER,
            "configured": True,
            "source": source_data(municipality, track.approver_gap.source),
        }
    else:
        assert track.approver_gap is not None
        gap = track.approver_gap
        findings.insert(
            0,
            {
                "severity": gap.severity,
                "code": "approver_not_configured",
                "message": gap.message,
                "source": source_data(municipality, gap.source),
                "pack": municipality.id,
            },
        )
    manager = track.service_manager
    service_manager: schemas.ServiceManager = {
        "title": manager.title,
        "rule": manager.rule,
        "designation": manager.designation,
        "source": source_data(municipality, manager.source),
    }
    if manager.note:
        service_manager["note"] = manager.note
    return {
        "packs": [{"id": p.id, "version": p.version, "digest": p.digest} for p in packs],
        "track": track_name,
        "track_label": track.label,
        "track_source": source_data(municipality, track.source),
        "classification": _classification(municipality, checked),
        "approver": approver,
        "self_approval": track.self_approval,
        "applicant": _person(municipality, track.applicant),
        "service_manager": service_manager,
        "forms": [
            {"id": f.id, "title": f.title, "source": source_data(municipality, f.source)} for f in track.forms
        ],
        "ledger_fields": [
            {"id": f.id, "label": f.label, "source": source_data(municipality, f.source)}
            for f in municipality.ledger_fields
            if f.track in ("any", track_name)
        ],
        # Every phase, in the contract's order (the keys of Checklists are Phase's values).
        "checklists": cast(schemas.Checklists, by_phase),
        "findings": findings,
        "rechecks": [recheck_data(p.pack, r) for p in packs for r in p.pack.rechecks if _applies(r, ctx)],
    }


def meeting(facts: Mapping[str, Any] | MeetingFacts, loaded: LoadedPack) -> MeetingJudgment:
    """The web-conference measures and findings for one meeting (Kitakyushu §6)."""
    pack = loaded.pack
    if pack.meeting is None:
        raise FactsError([Problem.of("pack", "no_meeting_rules", pack_id=pack.id)])
    checked = _validate(MeetingFacts, facts)
    ctx = Context(checked.model_dump(mode="json"), None, {})
    return {
        "packs": [{"id": loaded.id, "version": loaded.version, "digest": loaded.digest}],
        "measures": [item_data(pack, m) for m in pack.meeting.measures if holds(m.when, ctx)],
        "findings": [finding_data(pack, f) for f in pack.meeting.findings if holds(f.when, ctx)],
    }


def source_data(pack: Pack, source: Source) -> schemas.Source:
    data: schemas.Source = {"file": pack.source_file(source), "clause": source.clause}
    if source.basis != Basis.SEED:
        data["basis"] = cast(Literal["contract", "configuration"], source.basis.value)
    return data


def item_data(pack: Pack, item: Item) -> schemas.Item:
    data: schemas.Item = {
        "id": item.id,
        "text": item.text,
        "source": source_data(pack, item.source),
        "pack": pack.id,
        "phase": item.phase,
        "track": item.track,
        "required_before_operation": item.required_before_operation,
        "response": item.response,
    }
    if item.group:
        data["group"] = item.group
    if item.text_en:
        data["text_en"] = item.text_en
    if item.evidence:
        data["evidence"] = item.evidence
    if item.responsible:
        data["responsible"] = item.responsible
    if item.note:
        data["note"] = item.note
    return data


def finding_data(pack: Pack, finding: Finding) -> schemas.Finding:
    data: schemas.Finding = {
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "source": source_data(pack, finding.source),
        "pack": pack.id,
    }
    if finding.message_en:
        data["message_en"] = finding.message_en
    if finding.note:
        data["note"] = finding.note
    return data


def recheck_data(pack: Pack, recheck: Recheck) -> schemas.RecheckRule:
    data: schemas.RecheckRule = {
        "id": recheck.id,
        "triggers": list(recheck.triggers),
        "interval_months": recheck.interval_months,
        "responsible": recheck.responsible,
        "report_to": recheck.report_to,
        "text": recheck.text,
        "source": source_data(pack, recheck.source),
        "pack": pack.id,
    }
    if recheck.text_en:
        data["text_en"] = recheck.text_en
    if recheck.note:
        data["note"] = recheck.note
    return data


def _applies(rule: Item | Finding | Recheck, ctx: Context) -> bool:
    return rule.track in ("any", ctx.track) and holds(rule.when, ctx)


def _person(pack: Pack, person: Person) -> schemas.Person:
    data: schemas.Person = {
        "title": person.title,
        "role": person.role,
        "source": source_data(pack, person.source),
    }
    if person.note:
        data["note"] = person.note
    return data


_STRICTNESS = {Severity.INFO: 0, Severity.WARN: 1, Severity.BLOCK: 2}


def _one_per_code(findings: list[schemas.Finding]) -> list[schemas.Finding]:
    """One finding per code (CONTRACT.md): the stricter one's words, with every pack's source beside it."""
    merged: dict[str, schemas.Finding] = {}
    for finding in findings:
        code = finding["code"]
        kept = merged.get(code)
        if kept is None:
            merged[code] = finding
            continue
        sources = kept.get("sources") or [kept["source"]]
        packs = kept.get("packs") or [kept["pack"]]
        stricter = _STRICTNESS[finding["severity"]] > _STRICTNESS[kept["severity"]]
        merged[code] = {
            **(finding if stricter else kept),
            "sources": [*sources, finding["source"]],
            "packs": [*packs, finding["pack"]],
        }
    return list(merged.values())


def _track(pack: MunicipalityPack, facts: Facts) -> TrackCode:
    """The track from every classification fact: the stricter wins, or an unmapped contradiction is refused."""
    scale = pack.classification.confidentiality
    conf = [lv.code for lv in scale.levels]
    high = conf.index(facts.confidentiality) >= conf.index(scale.high_track_from)
    municipal = facts.municipal_confidentiality
    if high or municipal is None:
        return "high" if high else "low"
    rank = MUNICIPAL_ORDER.index(municipal.value)
    if scale.municipal_high_track_from is not None:
        return "high" if rank >= MUNICIPAL_ORDER.index(scale.municipal_high_track_from) else "low"
    if rank >= MUNICIPAL_ORDER.index("2"):
        label = {lv.code: lv.label for lv in scale.levels}[facts.confidentiality]
        raise FactsError(
            [
                Problem.of(
                    "municipal_confidentiality",
                    "contradictory_classes",
                    mic=municipal.value,
                    issuer=pack.issuer,
                    label=label,
                    given=facts.confidentiality,
                    pack_id=pack.id,
                )
            ]
        )
    return "low"


def _classification(pack: MunicipalityPack, facts: Facts) -> schemas.Classification:
    labels = {
        "confidentiality": {lv.code: lv.label for lv in pack.classification.confidentiality.levels},
        "availability": {lv.code: lv.label for lv in pack.classification.availability.levels},
    }
    assert facts.availability is not None
    return {
        "confidentiality": {
            "code": facts.confidentiality,
            "label": labels["confidentiality"][facts.confidentiality],
        },
        "availability": {"code": facts.availability, "label": labels["availability"][facts.availability]},
    }


def facts_read(municipality_pack: LoadedMunicipality) -> frozenset[str]:
    """The facts a judgment under these packs reads: the classification, and every fact a condition names."""
    names = {"confidentiality", "availability", "municipal_confidentiality"}
    for loaded in municipality_pack.packs:
        pack = loaded.pack
        rules: tuple[Item | Finding | Recheck, ...] = (*pack.items, *pack.findings, *pack.rechecks)
        for rule in rules:
            names.update(name for _operator, name, _values in uses(rule.when))
    return frozenset(names)


def judgment_key(
    facts: Mapping[str, Any] | Facts,
    municipality_pack: LoadedMunicipality,
    configured_approver: str | None,
    read: frozenset[str],
) -> str:
    """What names one judgment: the packs (id, version, digest), the configured approver and the facts
    `read` (facts_read: the judgment depends on no others). Raises FactsError as `judge` would."""
    _checked, data = _facts(facts, municipality_pack.pack)
    shown = {name: sorted(v) if isinstance(v := data.get(name), list) else v for name in sorted(read)}
    packs = [[p.id, p.version, p.digest] for p in municipality_pack.packs]
    text = json.dumps([packs, configured_approver, shown], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_pack_ids(pack_ids: Sequence[str]) -> None:
    """Refuse no pack, or a pack given twice (checked on the ids, before any pack is loaded)."""
    if not pack_ids:
        raise FactsError([Problem.of("pack", "no_pack")])
    repeated = sorted({p for p in pack_ids if pack_ids.count(p) > 1})
    if repeated:
        raise FactsError([Problem.of("pack", "pack_repeated", shown=", ".join(repeated))])


def stacked(packs: Sequence[LoadedPack]) -> LoadedMunicipality:
    """The first pack with the others applied as overlays, or FactsError: for packs named at run time
    (the CLI's --pack), whose kinds no type checker has seen."""
    check_pack_ids([p.id for p in packs])
    problems = []
    if not isinstance(packs[0], LoadedMunicipality):
        problems.append(Problem.of("pack", "overlay_first", pack_id=packs[0].id))
    problems += [
        Problem.of("pack", "municipality_after_first", pack_id=p.id)
        for p in packs[1:]
        if not isinstance(p, LoadedOverlay)
    ]
    first = packs[0]
    if problems or not isinstance(first, LoadedMunicipality):
        raise FactsError(problems)
    return first.overlaid(*[p for p in packs[1:] if isinstance(p, LoadedOverlay)])


def _facts(facts: Mapping[str, Any] | Facts, pack: MunicipalityPack) -> tuple[Facts, dict[str, Any]]:
    checked = _validate(Facts, facts)
    problems = []
    for name in ("confidentiality", "availability"):
        scale = getattr(pack.classification, name)
        codes = [lv.code for lv in scale.levels]
        value = getattr(checked, name)
        if value is not None and value not in codes:
            shown = ", ".join(f'"{c}"' for c in codes)
            problems.append(
                Problem.of(name, "not_a_code", value=value, issuer=pack.issuer, pack_id=pack.id, shown=shown)
            )
    if problems:
        raise FactsError(problems)
    if checked.availability is None:
        checked = checked.model_copy(update={"availability": pack.classification.availability.levels[0].code})
    return checked, checked.model_dump(mode="json")


def _validate(model: type[M], facts: Mapping[str, Any] | M) -> M:
    if isinstance(facts, model):
        return facts
    if not isinstance(facts, Mapping):
        raise FactsError([Problem.of("facts", "facts_not_object")])
    try:
        return model.model_validate(facts)
    except ValidationError as exc:
        raise FactsError([_problem(err) for err in exc.errors(include_url=False)]) from None


def _problem(err: Any) -> Problem:
    key = ".".join(str(p) for p in err["loc"]) or "facts"
    if err["type"] == "value_error":
        reason = str(err["ctx"]["error"])
        if reason in VALUE_ERRORS:
            return Problem.of(key, reason)
        return Problem(key, INVALID_JA, reason)
    ja = FACTS_FIELD_JA.get(err["type"], INVALID_JA)
    expected = (err.get("ctx") or {}).get("expected")
    if expected:
        ja = f"{ja}（{expected}）"
    return Problem(key, ja, err["msg"])
