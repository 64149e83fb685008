from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "kumokan.lifecycle"
    verbose_name = _("Life after approval")
    default_auto_field = "django.db.models.BigAutoField"
