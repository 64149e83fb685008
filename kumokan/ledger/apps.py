from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "kumokan.ledger"
    verbose_name = _("Ledger")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kumokan.ledger.search import repair_sqlite_index

        post_migrate.connect(repair_sqlite_index, sender=self, dispatch_uid="kumokan.ledger.search.repair")
