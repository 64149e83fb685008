"""The error codes each operation can answer, per status, written into the OpenAPI document.

Every operation can answer the general codes of its statuses (errors.STATUS_ERRORS: unauthenticated,
forbidden, not_found, invalid_input, …); the codes below are the ones its actions add, read from
kumokan.*.actions, workflow and routing (a refusal's `details` carry the reasons' own codes, e.g.
unanswered_items under not_ready). Each error response lists them in its description and in
`x-error-codes`, so that a script can branch on `code` knowing every value it may meet.
"""

from __future__ import annotations

from typing import Any

VERSION = ("stale_version", "unknown_version")
WITH_BODY = {400: ("invalid_json",)}
FACTS: dict[int, tuple[str, ...]] = {422: ("invalid_facts",)}
SUBMIT = (
    "invalid_transition",
    "not_applicant",
    "no_judgment",
    "not_ready",
    "one_function",
    "no_approver",
    "approver_not_configured",
    "manager_not_expected",
    "reason_required",
)
LEDGER_STEP = (
    "invalid_transition",
    "reason_required",
    "operation_gate",
    "termination_missing",
    "termination_open",
)

OPERATION_CODES: dict[str, dict[int, tuple[str, ...]]] = {
    "judge": FACTS,
    "create_application": {
        400: ("department", "period", "not_applicant"),
        422: ("invalid_facts", "idempotency_key_reused"),
    },
    "update_application": {
        400: ("invalid_transition", "field", "period", "unchanged", "not_applicant"),
        409: VERSION,
        **FACTS,
    },
    "answer_item": {
        400: (
            "invalid_transition",
            "no_judgment",
            "unknown_item",
            "answer",
            "note_required",
            "too_long",
            "unchanged",
        ),
        409: VERSION,
    },
    "explain_finding": {
        400: (
            "invalid_transition",
            "no_judgment",
            "unknown_finding",
            "explanation_required",
            "too_long",
            "unchanged",
        ),
        409: VERSION,
    },
    "submit_application": {400: SUBMIT, 409: (*VERSION, "conflict")},
    "withdraw_application": {400: ("invalid_transition", "no_judgment"), 409: VERSION},
    "decide": {
        400: (
            "invalid_transition",
            "outcome",
            "reason_required",
            "manager_not_expected",
            "manager_required",
            "manager_not_head",
            "manager_head_unknown",
            "manager_not_member",
        ),
        409: (*VERSION, "conflict"),
        422: ("idempotency_key_reused",),
    },
    "update_ledger_entry": {
        400: (
            "invalid_transition",
            "field",
            "period",
            "reason_required",
            "unchanged",
            "manager_not_eligible",
        ),
        409: VERSION,
    },
    "take_ledger_step": {400: LEDGER_STEP, 409: VERSION},
    "decide_task": {400: ("retired", "note_required", "unchanged"), 409: VERSION},
    "answer_recheck": {400: ("not_open", "note_required"), 409: VERSION},
}


# Every operation is rate-limited (kumokan.api.throttling): each documents the 429 it may answer.
RATE_LIMITED = {
    "description": "",
    "headers": {
        "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document_error_codes(schema: dict[str, Any], general: dict[int, str]) -> dict[str, Any]:
    """Write each operation's codes into its error responses (`general`: each status's own code)."""
    for methods in schema["paths"].values():
        for method, operation in methods.items():
            operation["responses"].setdefault("429", dict(RATE_LIMITED))
            own = OPERATION_CODES.get(operation.get("operationId", ""), {})
            has_body = method in ("post", "patch", "put")
            for status, response in operation["responses"].items():
                number = int(status)
                if not 400 <= number < 500:
                    continue
                codes = [general[number]] if number in general else []
                codes += [c for c in (WITH_BODY.get(number, ()) if has_body else ()) if c not in codes]
                codes += [c for c in own.get(number, ()) if c not in codes]
                response["x-error-codes"] = codes
                response["description"] = "Codes: " + ", ".join(codes) + "."
    return schema
