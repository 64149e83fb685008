"""A city's script, as its author would write it: a Python client generated from the served schema
with openapi-python-client, driving application → approval → ledger → tasks through that client only.

The generator must print no warning (a warning means a schema it dropped), and every response must
parse into its model with no key left over in `additional_properties` (a key the schema does not
declare) except in the objects the schema declares as free-form maps.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest
from django.core.wsgi import get_wsgi_application

from kumokan.accounts.testing import device_for
from kumokan.accounts.two_factor import requires_two_factor
from kumokan.api.actions import issue_api_token
from kumokan.applications.tests import factories as f
from kumokan.core.actors import SYSTEM

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "kumokan_generated_client"


@pytest.fixture
def generated(client: Any, db: Any, tmp_path: Path) -> Iterator[ModuleType]:
    """The client package generated from /api/v1/openapi.json into this test's own directory."""
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(client.get("/api/v1/openapi.json").json()), encoding="utf-8")
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n", encoding="utf-8")
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    # Anything beyond "Generating <path>" is a warning: a schema the generator could not use.
    assert output == f"Generating {tmp_path / PACKAGE}", output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class Script:
    """One person's script: the generated client with their token, calling the app in this process."""

    def __init__(self, package: ModuleType, user: Any) -> None:
        if requires_two_factor(user):
            device_for(user)
        _token, text = issue_api_token(acting_user=SYSTEM, user=user, name="script")
        self.package = package
        self.client = package.client.AuthenticatedClient(
            base_url="http://testserver",
            token=text,
            raise_on_unexpected_status=True,
            httpx_args={"transport": httpx.WSGITransport(app=get_wsgi_application())},
        )

    def model(self, name: str, data: dict[str, Any]) -> Any:
        module = importlib.import_module(f"{PACKAGE}.models")
        return getattr(module, name).from_dict(data)

    def call(self, tag: str, operation: str, status: int = 200, **kwargs: Any) -> Any:
        """The operation's parsed answer, which must have `status` and be fully declared."""
        module = importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")
        response = module.sync_detailed(client=self.client, **kwargs)
        assert response.status_code == status, response.content
        assert response.parsed is not None, response.content
        assert_declared(response.parsed, operation)
        return response.parsed


def assert_declared(value: Any, where: str) -> None:
    """No key the schema does not declare, anywhere in a parsed answer."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            assert_declared(item, f"{where}[{i}]")
        return
    if not attrs.has(type(value)):
        return
    names = [a.name for a in attrs.fields(type(value))]
    free_form = names == ["additional_properties"]
    if not free_form:
        assert value.additional_properties == {}, (where, sorted(value.additional_properties))
    for name in names:
        if name != "additional_properties":
            assert_declared(getattr(value, name), f"{where}.{name}")


@pytest.mark.django_db
def test_a_script_runs_the_workflow_through_the_generated_client(
    generated: ModuleType, keep_test_connection: None
) -> None:
    c = f.city("kobe")
    applicant = Script(generated, c.applicant)
    facts = f.facts("kobe", required_clauses_present=False)

    me = applicant.call("me", "me")
    assert me.username == c.applicant.username
    judgment = applicant.call(
        "judgments",
        "judge",
        body=applicant.model("JudgmentRequest", {"municipality": "kobe", "facts": facts}),
    )
    assert judgment.track.value == "high" and judgment.checklists.selection

    detail = applicant.call(
        "applications",
        "create_application",
        201,
        body=applicant.model(
            "ApplicationCreate", {"municipality": "kobe", "department": "jumin", "facts": facts}
        ),
    )
    assert detail.judgment.track.value == "high" and detail.status.value == "draft"
    for item in detail.judgment.checklists.selection:
        accept = item.response.value == "accept_or_mitigate"
        answer = {"answer": "accepted" if accept else "conforms", "note": "受容する" if accept else ""}
        detail = applicant.call(
            "applications",
            "answer_item",
            application_id=detail.id,
            body=applicant.model(
                "AnswerIn", {"version": detail.version, "pack": item.pack, "item": item.id} | answer
            ),
        )
    for finding in detail.judgment.findings:
        if finding.severity.value == "block":
            detail = applicant.call(
                "applications",
                "explain_finding",
                application_id=detail.id,
                body=applicant.model(
                    "ExplanationIn",
                    {
                        "version": detail.version,
                        "pack": finding.pack,
                        "code": finding.code,
                        "explanation": "特約で担保する",
                    },
                ),
            )
    assert detail.submission_problems == []
    detail = applicant.call(
        "applications",
        "submit_application",
        application_id=detail.id,
        body=applicant.model("VersionIn", {"version": detail.version}),
    )
    assert detail.status.value == "submitted"
    assert [a.id for a in applicant.call("applications", "list_applications").results] == [detail.id]

    approver = Script(generated, c.security_manager)
    queue = approver.call("decisions", "list_approvals")
    assert [a.id for a in queue.results] == [detail.id]
    decision = approver.call(
        "decisions",
        "decide",
        201,
        application_id=detail.id,
        body=approver.model("DecisionIn", {"version": queue.results[0].version, "outcome": "approved"}),
    )
    assert decision.outcome.value == "approved" and decision.ledger_entry

    ledger = approver.call("ledger", "list_ledger_entries")
    assert [e.id for e in ledger.results] == [decision.ledger_entry]
    entry = approver.call("ledger", "get_ledger_entry", entry_id=decision.ledger_entry)
    manager = Script(generated, type(c.applicant).objects.get(username=entry.service_manager))

    tasks = manager.call("lifecycle", "list_tasks", entry_id=entry.id)
    task = manager.call(
        "lifecycle",
        "decide_task",
        task_id=tasks.results[0].id,
        body=manager.model(
            "TaskDecision", {"version": tasks.results[0].version, "status": "confirmed", "note": "確認した"}
        ),
    )
    assert task.status.value == "confirmed"
    assert manager.call("lifecycle", "get_task", task_id=task.id).confirmed_by == entry.service_manager
    manager.call("lifecycle", "list_entry_rechecks", entry_id=entry.id)
    manager.call("catalog", "list_services")
