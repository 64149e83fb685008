from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kumokan.core"
    verbose_name = _("Core")


class StaticFilesConfig(BaseStaticFilesConfig):
    """collectstatic without django-ninja's ReDoc bundle: kumokan serves Swagger UI only, and ReDoc's
    bundle loads its logo from cdn.redoc.ly, which a city on LGWAN cannot reach."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "ninja/redoc.*"]
