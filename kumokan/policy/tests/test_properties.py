"""Properties over every shipped pack: any valid facts judge, every item cites a clause, bad facts are refused."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumokan.policy import FactsError
from kumokan.policy.facts import (
    MUNICIPAL_ORDER,
    Certification,
    Deployment,
    MunicipalConfidentiality,
    ServiceModel,
    UserScope,
)
from kumokan.policy.tests.installed import available, judge, load_pack

MUNICIPALITIES = sorted(pid for pid in available() if load_pack(pid).pack.kind == "municipality")
OVERLAYS = sorted(pid for pid in available() if load_pack(pid).pack.kind == "overlay")
SEEDS = {
    "000_6738fc87fdfdac6f.txt",
    "001_4592fdea49096e9a.txt",
    "002_ea3d2ceb2cab952b.txt",
    "003_458251fa9e15d94e.txt",
    "004_b62cca484ad22969.txt",
}
# A pack that is not from a seed cites its own document (the example municipalities of docs/packs.md).
SEEDS |= {doc.file for pid in available() if (doc := load_pack(pid).pack.document) is not None}
text = st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != "")
country = st.sampled_from(["JP", "US", "SG", "IE", "DE"])


def facts_for(pack_id: str) -> st.SearchStrategy[dict[str, Any]]:
    orders = load_pack(pack_id).pack.orders()
    optional = {
        "functions": st.lists(text, max_size=3),
        "deployment": st.sampled_from([d.value for d in Deployment]),
        "availability": st.sampled_from(orders["availability"]),
        "municipal_confidentiality": st.none() | st.sampled_from([m.value for m in MunicipalConfidentiality]),
        "handles_personal_info": st.booleans(),
        "handles_specific_personal_info": st.booleans(),
        "terms_only": st.booleans(),
        "required_clauses_present": st.booleans(),
        "data_location": country,
        "governing_law": country,
        "direct_internet_login": st.booleans(),
        "user_scope": st.sampled_from([u.value for u in UserScope]),
        "operated_by_contractor": st.booleans(),
        "certifications": st.lists(st.sampled_from([c.value for c in Certification]), unique=True),
    }
    return st.fixed_dictionaries(
        {
            "service_name": text,
            "provider": text,
            "purpose": text,
            "service_model": st.sampled_from([m.value for m in ServiceModel]),
            "confidentiality": st.sampled_from(orders["confidentiality"]),
        },
        optional=optional,
    )


def check_judgment(judgment: dict[str, Any]) -> None:
    assert judgment["track"] in ("high", "low")
    cited = [
        judgment["applicant"],
        judgment["service_manager"],
        *judgment["forms"],
        *judgment["ledger_fields"],
    ]
    cited += [*judgment["findings"], *judgment["rechecks"]]
    cited += [item for items in judgment["checklists"].values() for item in items]
    if judgment["approver"] is not None:
        cited.append(judgment["approver"])
    for entry in cited:
        assert entry["source"]["file"] in SEEDS, entry
        assert entry["source"]["clause"].strip(), entry
    ids = [(i["pack"], i["id"]) for items in judgment["checklists"].values() for i in items]
    assert len(ids) == len(set(ids)), "an item is listed twice"
    for finding in judgment["findings"]:
        assert finding["severity"] in ("block", "warn", "info")
    if judgment["approver"] is None:
        assert "approver_not_configured" in [f["code"] for f in judgment["findings"]]
    codes = [f["code"] for f in judgment["findings"]]
    assert len(codes) == len(set(codes)), "one finding per code"
    # Never both tracks' answers in one judgment (issue 15 point 3).
    other = "low" if judgment["track"] == "high" else "high"
    assert not [i for items in judgment["checklists"].values() for i in items if i["track"] == other]


def says_high(pack_id: str, facts: dict[str, Any]) -> tuple[bool, bool | None]:
    """What the city's own code and the MIC class each say (None: the pack maps no MIC class)."""
    scale = load_pack(pack_id).pack.classification
    assert scale is not None
    conf = scale.confidentiality
    codes = [lv.code for lv in conf.levels]
    own = codes.index(facts["confidentiality"]) >= codes.index(conf.high_track_from)
    municipal = facts.get("municipal_confidentiality")
    if municipal is None:
        return own, False
    if conf.municipal_high_track_from is None:
        return own, None
    return own, MUNICIPAL_ORDER.index(municipal) >= MUNICIPAL_ORDER.index(conf.municipal_high_track_from)


@pytest.mark.parametrize("pack_id", MUNICIPALITIES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_valid_set_of_facts_judges_and_cites(pack_id: str, data: st.DataObject) -> None:
    facts = data.draw(facts_for(pack_id))
    own, municipal = says_high(pack_id, facts)
    unmapped = municipal is None and not own
    if unmapped and MUNICIPAL_ORDER.index(facts["municipal_confidentiality"]) >= MUNICIPAL_ORDER.index("2"):
        with pytest.raises(FactsError) as caught:
            judge(facts, [pack_id])
        assert [p.where for p in caught.value.problems] == ["municipal_confidentiality"]
        return
    judged = judge(facts, [pack_id])
    check_judgment(judged)
    # The stricter classification decides the track.
    assert judged["track"] == ("high" if own or municipal else "low")
    for overlay in OVERLAYS:
        check_judgment(judge(facts, [pack_id, overlay]))


@pytest.mark.parametrize("pack_id", MUNICIPALITIES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_star_item_never_stands_beside_low_track_answers(pack_id: str, data: st.DataObject) -> None:
    """Special terms' ★ item (3B/3C) and a city's low track never meet in one judgment."""
    facts = data.draw(facts_for(pack_id))
    facts = {
        **facts,
        "municipal_confidentiality": data.draw(st.sampled_from(["3B", "3C"])),
        "deployment": "public",
    }
    try:
        judged = judge(facts, [pack_id, "special-terms"])
    except FactsError as refused:
        assert [p.where for p in refused.problems] == ["municipal_confidentiality"]
        return
    assert judged["track"] == "high"
    assert judged["self_approval"] is False


@pytest.mark.parametrize("pack_id", MUNICIPALITIES)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_invalid_facts_are_refused_with_named_keys(pack_id: str, data: st.DataObject) -> None:
    facts = data.draw(facts_for(pack_id))
    key = data.draw(st.sampled_from(sorted(facts)))
    bad_value = data.draw(
        st.one_of(st.integers(), st.floats(allow_nan=False), st.just({"a": 1}), st.just("no-such-code"))
    )
    if key == "functions":
        bad_value = [bad_value] if not isinstance(bad_value, str) else 7
    facts = {**facts, key: bad_value}
    if key in ("service_name", "provider", "purpose") and isinstance(bad_value, str):
        return  # any non-empty string is a valid name
    with pytest.raises(FactsError) as caught:
        judge(facts, [pack_id])
    assert caught.value.problems
    assert all(p.where.split(".")[0] == key for p in caught.value.problems)


@settings(max_examples=15, deadline=None)
@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
        max_leaves=8,
    )
)
def test_cli_refuses_arbitrary_json_without_traceback(payload: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kumokan.cli", "judge", "--pack", MUNICIPALITIES[0], "-"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert all(": " in line and " / " in line for line in result.stderr.splitlines())
