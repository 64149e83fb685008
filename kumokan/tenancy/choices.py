"""Roles a person holds in a municipality, mirroring the engine's abstract roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """kumokan.policy.pack.Role with generic Japanese labels; the UI shows each city's own title instead."""

    APPLICANT = "applicant", _("申請者")
    STAFF = "staff", _("職員")
    DEPARTMENT_HEAD = "department_head", _("所属長")
    SECURITY_MANAGER = "security_manager", _("情報セキュリティ管理者")
    APPROVER = "approver", _("許可権限者")
    CHIEF = "chief", _("最高情報セキュリティ責任者")
    SERVICE_MANAGER = "service_manager", _("クラウドサービス管理者")
    SYSTEM_DEPARTMENT = "system_department", _("システム管理部門")
    AUDITOR = "auditor", _("監査担当")
    ADMINISTRATOR = "administrator", _("システム管理者")
    CONTRACTOR = "contractor", _("委託先")
