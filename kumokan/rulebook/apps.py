from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulebookConfig(AppConfig):
    name = "kumokan.rulebook"
    verbose_name = _("Rulebook")
    default_auto_field = "django.db.models.BigAutoField"
