"""The planned meeting as a printed checklist, laid out by the documents app like any other checklist."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from kumokan.core.templatetags.kumokan import in_language
from kumokan.documents.choices import FormKind
from kumokan.documents.printed import ItemRow, PrintedForm, Row, Section, Signatory, both_dates
from kumokan.meetings.planning import Invitation, MeetingPlan


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def printed_plan(plan: MeetingPlan, details: Invitation, today: datetime.date) -> PrintedForm:
    """Host's and participants' measures (or the participant's own), then what to bear in mind; each cites its clause."""
    facts = plan.facts
    fields = [
        Row(_("Title of the meeting"), details.title),
        Row(_("Date and time"), details.when),
        Row(_("Your role"), _("Host") if plan.hosting else _("Participant")),
        Row(
            _("Important information assets are discussed or shown"), _yes_no(facts["important_information"])
        ),
        Row(_("People from outside the organisation take part"), _yes_no(facts["outside_participants"])),
        Row(_("The meeting is recorded"), _yes_no(facts["recording"])),
        Row(_("A free plan of the service is used (no contract)"), _yes_no(facts["free_plan"])),
    ]
    parties = [(_("The host's measures") if plan.hosting else _("Your measures"), plan.own)]
    if plan.participants is not None:
        parties.append((_("The participants' measures"), plan.participants))
    sections = []
    number = 0
    for title, party in parties:
        rows = []
        for rule, key in [*((m, "text") for m in party.measures), *((f, "message") for f in party.findings)]:
            number += 1
            rows.append(_row(number, rule, key))
        sections.append(Section(str(title), rows))
    return PrintedForm(
        number=1,
        kind=FormKind.CHECKLIST,
        form_id="",
        title=_("Web-conference security checklist"),
        municipality=plan.municipality.name,
        date=both_dates(today),
        addressee="",
        applicant=Signatory(title=""),
        fields=[row for row in fields if row.value],
        sections=sections,
    )


def _row(number: int, rule: dict[str, Any], key: str) -> ItemRow:
    # A finding is something to bear in mind, not a measure to tick: it says so in the answer column.
    return ItemRow(
        number=number,
        text=in_language(rule, key),
        clause=rule["source"]["clause"],
        group="",
        answer="" if key == "text" else _("Bear in mind"),
        note="",
        evidence="",
    )
