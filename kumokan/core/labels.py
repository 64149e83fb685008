"""How the engine's codes read on a page: checklist phases and finding severities."""

from django.utils.translation import gettext_lazy as _

from kumokan.policy.pack import Phase, Severity

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
    Severity.INFO.value: _("Note"),
}
