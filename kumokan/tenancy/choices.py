"""Roles a person holds in a municipality, mirroring the engine's abstract roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """kumokan.policy.pack.Role with generic Japanese labels; the UI shows each city's own title instead."""

    APPLICANT = "applicant", _("Applicant")
    STAFF = "staff", _("Staff")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    SECURITY_MANAGER = "security_manager", _("Information security manager")
    APPROVER = "approver", _("Approver")
    CHIEF = "chief", _("Chief information security officer")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    SYSTEM_DEPARTMENT = "system_department", _("System management department")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("System administrator")
    CONTRACTOR = "contractor", pgettext_lazy("role", "Contractor")
