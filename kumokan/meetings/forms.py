"""The planner's form: the facts of `kumokan meeting`, and what the invitation should say."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kumokan.meetings.planning import Invitation
from kumokan.policy.facts import MeetingRole

ROLES = [(MeetingRole.HOST.value, _("I host the meeting")), (MeetingRole.PARTICIPANT.value, _("I take part"))]
FACTS = ("important_information", "role", "outside_participants", "recording", "free_plan")


class MeetingForm(forms.Form):
    important_information = forms.BooleanField(
        label=_("Important information assets are discussed or shown"), required=False
    )
    role = forms.ChoiceField(label=_("Your role"), choices=ROLES, widget=forms.RadioSelect)
    outside_participants = forms.BooleanField(
        label=_("People from outside the organisation take part"), required=False
    )
    recording = forms.BooleanField(label=_("The meeting is recorded"), required=False)
    free_plan = forms.BooleanField(
        label=_("A free plan of the service is used (no contract)"), required=False
    )
    title = forms.CharField(label=_("Title of the meeting"), required=False, max_length=200)
    when = forms.CharField(
        label=_("Date and time"),
        required=False,
        max_length=100,
        help_text=_("As the invitation should print it."),
    )
    url = forms.CharField(label=_("Meeting address"), required=False, max_length=500)

    SECTIONS = (
        (_("The meeting"), FACTS),
        (_("For the invitation"), ("title", "when", "url")),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def facts(self) -> dict[str, Any]:
        """The facts of `kumokan meeting` from a valid form."""
        return {name: self.cleaned_data[name] for name in FACTS}

    def invitation(self) -> Invitation:
        return Invitation(
            title=self.cleaned_data["title"].strip(),
            when=self.cleaned_data["when"].strip(),
            url=self.cleaned_data["url"].strip(),
        )
