"""Roles a person holds in a municipality, mirroring the engine's abstract roles."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kumokan.core.labels import engine_choices
from kumokan.policy.pack import Role as EngineRole

# Generic labels of the engine's roles; the UI shows each city's own title instead.
_ROLE_LABELS = {
    EngineRole.APPLICANT: _("Applicant"),
    EngineRole.STAFF: _("Staff"),
    EngineRole.DEPARTMENT_HEAD: _("Department head"),
    EngineRole.SECURITY_MANAGER: _("Information security manager"),
    EngineRole.APPROVER: _("Approver"),
    EngineRole.CHIEF: _("Chief information security officer"),
    EngineRole.SERVICE_MANAGER: _("Service manager"),
    EngineRole.SYSTEM_DEPARTMENT: _("System management department"),
    EngineRole.AUDITOR: _("Auditor"),
    EngineRole.ADMINISTRATOR: _("System administrator"),
    EngineRole.CONTRACTOR: pgettext_lazy("role", "Contractor"),
}
# kumokan.policy.pack.Role as Django choices: the engine owns the values (a role it adds without a label
# here stops kumokan at start-up).
Role = engine_choices("Role", EngineRole, _ROLE_LABELS)
