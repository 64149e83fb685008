from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "kumokan.procurement"
    verbose_name = _("Procurement planning")
    default_auto_field = "django.db.models.BigAutoField"
