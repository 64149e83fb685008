from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "kumokan.lifecycle"
    verbose_name = _("Life after approval")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kumokan.catalog.signals import certification_lapsed
        from kumokan.lifecycle.lapses import on_certification_lapsed

        # A lapsing certification opens re-checks of the services approved on it.
        certification_lapsed.connect(on_certification_lapsed, dispatch_uid="kumokan.lifecycle.lapses")
