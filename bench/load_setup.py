"""Data for bench/load.py, run by bench/load.sh through `manage.py shell`: writes $LOAD_FIXTURE (JSON).

Kobe's demo, plus submitted high-track applications for the deciders to approve, API tokens for
the applicants and the approver, and the ledger entries the readers open.
"""

import json
import os

from django.db import transaction

from kumokan.accounts.testing import device_for
from kumokan.api.actions import issue_api_token
from kumokan.applications import actions
from kumokan.applications.choices import Answer
from kumokan.demo.load import load_demo
from kumokan.ledger.models import LedgerEntry
from kumokan.policy.pack import Response
from kumokan.tenancy.access import users_with_role
from kumokan.tenancy.models import Department, Municipality

TO_DECIDE = int(os.environ.get("LOAD_TO_DECIDE", "400"))

load_demo("kobe", os.environ["LOAD_PASSWORD"])
kobe = Municipality.objects.get(slug="kobe")
department = Department.objects.get(municipality=kobe, code="jumin")
applicant = users_with_role(kobe, "applicant", department).first()
approver = users_with_role(kobe, "security_manager").first()
# A role that decides must have a second factor to use a token (kumokan.api.auth): enrolled directly.
device_for(approver)
facts = {
    "service_name": "負荷試験サービス",
    "provider": "株式会社負荷試験",
    "purpose": "負荷試験のための申請",
    "service_model": "saas",
    "confidentiality": "2",
    "certifications": ["ISMAP"],
}
pending = []
for n in range(TO_DECIDE):
    with transaction.atomic():
        draft = actions.create_draft(
            acting_user=applicant,
            municipality=kobe,
            department=department,
            facts={**facts, "service_name": f"負荷試験サービス{n:04d}"},
            business_scope="負荷試験",
            user_scope_detail="住民課の職員",
        )
        answers = [
            actions.ItemAnswer(
                item["pack"],
                item["id"],
                Answer.ACCEPTED if item["response"] == Response.ACCEPT_OR_MITIGATE else Answer.CONFORMS,
                "確認済み",
            )
            for item in actions.unanswered_items(draft, phase="selection")
        ]
        actions.answer_items(acting_user=applicant, application=draft, answers=answers)
        for finding in draft.judgment.findings("block"):
            actions.explain_finding(
                acting_user=applicant,
                application=draft,
                pack_id=finding["pack"],
                code=finding["code"],
                explanation="対応済み",
            )
        submitted = actions.submit(acting_user=applicant, application=draft)
    pending.append({"id": submitted.pk, "version": submitted.version})

fixture = {
    "password": os.environ["LOAD_PASSWORD"],
    "reader": "auditor",
    "applicant_token": issue_api_token(acting_user=applicant, user=applicant, name="load")[1],
    "approver_token": issue_api_token(acting_user=approver, user=approver, name="load")[1],
    "entries": list(LedgerEntry.objects.filter(municipality=kobe).values_list("pk", flat=True)),
    "pending": pending,
}
with open(os.environ["LOAD_FIXTURE"], "w", encoding="utf-8") as out:
    json.dump(fixture, out)
print(f"load fixture: {len(pending)} applications to decide, {len(fixture['entries'])} ledger entries")
