from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home page and every page's navigation: the top of the apps' layers, reading all of them."""

    name = "kumokan.home"
    verbose_name = _("Home")
