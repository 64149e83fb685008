"""The published JSON Schemas: every judgment of every pack matches the judgment's schema with no
undeclared key, and the facts' schema refuses what the engine refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumokan.policy import FactsError
from kumokan.policy.schemas import facts_schema, judgment_schema
from kumokan.policy.tests.installed import judge
from kumokan.policy.tests.test_properties import MUNICIPALITIES, OVERLAYS, facts_for

CLOSED = jsonschema.Draft202012Validator(judgment_schema(closed=True))
FACTS = jsonschema.Draft202012Validator(facts_schema())


@pytest.mark.parametrize("pack_id", MUNICIPALITIES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_judgment_matches_the_schema_and_declares_every_key(pack_id: str, data: Any) -> None:
    facts = data.draw(facts_for(pack_id))
    packs = [pack_id, *data.draw(st.lists(st.sampled_from(OVERLAYS), max_size=1))]
    for configured_approver in (None, "情報政策課長"):
        try:
            judged = judge(facts, packs, configured_approver=configured_approver)
        except FactsError as refused:
            # A MIC class the pack cannot map beside a low-track code (issue 15 point 3).
            assert [p.where for p in refused.problems] == ["municipal_confidentiality"]
            return
        judgment = json.loads(json.dumps(judged))
        CLOSED.validate(judgment)
        assert FACTS.is_valid(facts)


@pytest.mark.parametrize(
    "change",
    [
        {"service_name": ""},
        {"purpose": "   "},
        {"functions": ["\u3000"]},
        {"data_location": "jp"},
        {"governing_law": "JPN"},
        {"unknown": True},
    ],
)
def test_the_facts_schema_refuses_what_the_engine_refuses(change: dict[str, Any]) -> None:
    facts = {
        "service_name": "Box",
        "provider": "Box",
        "purpose": "共有",
        "service_model": "saas",
        "confidentiality": "2",
    }
    assert FACTS.is_valid(facts)
    facts |= change
    assert not FACTS.is_valid(facts)
    with pytest.raises(FactsError):
        judge(facts, ["kobe"])


def test_kumokan_schema_prints_both_schemas() -> None:
    for which, expected in (("judgment", judgment_schema()), ("facts", facts_schema())):
        result = subprocess.run(
            [sys.executable, "-m", "kumokan.cli", "schema", which], capture_output=True, text=True, check=True
        )
        assert json.loads(result.stdout) == expected
    assert judgment_schema()["$defs"]["Item"]["additionalProperties"] is True
