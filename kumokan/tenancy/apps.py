from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "kumokan.tenancy"
    verbose_name = _("Municipalities and departments")
    default_auto_field = "django.db.models.BigAutoField"
