from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "kumokan.meetings"
    verbose_name = _("Web-conference planner")
    default_auto_field = "django.db.models.BigAutoField"
