"""How the engine's codes read on a page: checklist phases and finding severities; the engine's
vocabularies as Django choices."""

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kumokan.policy.pack import Phase, Severity


def engine_choices(name: str, values: Iterable[str], labels: Mapping[Any, Any]) -> Any:
    """Django choices named `name` whose values are the engine's (kumokan.policy owns them), each with its
    label in `labels`: a value the engine adds without a label here stops kumokan at start-up.

    `values` are an engine enum's members or the values of one of its Literal vocabularies (TRACKS),
    named by their upper case."""
    return models.TextChoices(
        name,
        [
            (value.name if isinstance(value, StrEnum) else value.upper(), (str(value), labels[value]))
            for value in values
        ],
    )


# The tracks in the product's words, where no pack speaks (several cities, a pack without tracks) and in
# English (the packs name their tracks in Japanese only): tenancy.vocabulary reads a track through these.
TRACK_LABELS = {
    "high": _("Handles important information"),
    "low": _("Does not handle important information"),
}
PHASE_LABELS = {
    Phase.SELECTION.value: _("Selection"),
    Phase.PROCUREMENT.value: _("Procurement and contract"),
    Phase.BUILD.value: _("Build"),
    Phase.OPERATION.value: _("Operation and maintenance"),
    Phase.TERMINATION.value: _("Renewal and disposal"),
}
SEVERITY_LABELS = {
    Severity.BLOCK.value: _("Must be resolved"),
    Severity.WARN.value: _("Warning"),
    # CONTRACT.md: info is "for the record" (the packs' notes say 記録（info）), not a note field's 備考.
    Severity.INFO.value: pgettext_lazy("finding severity", "For the record"),
}
