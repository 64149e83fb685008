"""Every form a person can reach, posted with hypothesis-made values: never a server error (500).

Kobe's demo gives every role pages in every state; the crawler (spider.py) collects each role's forms
by following links, and each form is posted again and again with its fields replaced by arbitrary text,
huge and negative numbers, impossible dates, unknown choices, NUL characters, markup and random files.
Afterwards the audit trail's chain must still verify.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumokan.core.tests.spider import Form, crawl
from kumokan.demo.load import load_demo

USERS = (
    "applicant",
    "manager",
    "head",
    "secmgr",
    "approver",
    "chief",
    "sysdept",
    "auditor",
    "admin",
    "contractor",
)
XSS = ["<script>window.__xss=1</script>", '"><img src=x onerror=window.__xss=1>']
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "\u202e",
    "０１２",
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "2026-02-30",
    "../../etc/passwd",
    *XSS,
]
NOT_FUZZED = {"csrfmiddlewaretoken"}


def value_for(kind: str, original: str, options: list[str]) -> st.SearchStrategy[Any]:
    text = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=300))
    if kind in ("select", "radio"):
        return st.one_of(st.sampled_from(options or [original]), text)
    if kind == "checkbox":
        return st.sampled_from([original or "on", None])
    if kind == "number":
        return st.one_of(st.integers(-(10**15), 10**15).map(str), text)
    if kind == "date":
        return st.one_of(st.dates().map(lambda d: d.isoformat()), text)
    if kind == "file":
        return st.one_of(
            st.none(),
            st.builds(
                lambda name, content: SimpleUploadedFile(name, content),
                st.sampled_from(
                    ["a.pdf", "b.png", "c.xlsx", "d.exe", "e.csv", "../f.txt", "名前.pdf", "x" * 300]
                ),
                st.binary(max_size=2048),
            ),
        )
    return st.one_of(st.just(original), text)


def fuzz(client: Client, form: Form) -> None:
    base = form.values()
    fuzzed = [f for f in form.fields if f.name not in NOT_FUZZED and f.kind not in ("submit", "button")]

    @settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def post(data: st.DataObject) -> None:
        payload = dict(base)
        for f in fuzzed:
            if data.draw(st.booleans(), label=f"change {f.name}"):
                value = data.draw(value_for(f.kind, f.value, f.options), label=f.name)
                if value is None:
                    payload.pop(f.name, None)
                else:
                    payload[f.name] = value
        response = client.post(form.action, payload)
        assert response.status_code < 500, f"{form.action} from {form.page}: {response.status_code}"

    post()


def test_no_form_answers_with_a_server_error(db: Any) -> None:
    load_demo("kobe", "demo-password-for-tests")
    from django.contrib.auth import get_user_model

    seen: set[tuple[str, tuple[str, ...]]] = set()
    fuzzed = 0
    for username in USERS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for form in crawl(client, limit=70).forms:
            # A form shown to several roles is fuzzed once, by the first who reaches it.
            key = (form.pattern, tuple(sorted(f.name for f in form.fields)))
            if key in seen:
                continue
            seen.add(key)
            fuzz(client, form)
            fuzzed += 1
    print(f"{fuzzed} forms fuzzed")
    assert fuzzed > 20
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK")
