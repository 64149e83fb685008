from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "kumokan.lifecycle"
    verbose_name = _("Life after approval")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kumokan.applications.signals import application_approved
        from kumokan.catalog.signals import certification_lapsed
        from kumokan.ledger.signals import entry_copies_checked
        from kumokan.lifecycle.actions.entries import on_application_approved
        from kumokan.lifecycle.gates import on_entry_copies_checked
        from kumokan.lifecycle.lapses import on_certification_lapsed

        # An approved application is entered in the ledger, with its phase checklists.
        application_approved.connect(
            on_application_approved, dispatch_uid="kumokan.lifecycle.actions.entries"
        )

        # A lapsing certification opens re-checks of the services approved on it.
        certification_lapsed.connect(on_certification_lapsed, dispatch_uid="kumokan.lifecycle.lapses")

        # `manage.py recount_ledger` checks and repairs the copies of the entry's status on tasks and re-checks.
        entry_copies_checked.connect(on_entry_copies_checked, dispatch_uid="kumokan.lifecycle.gates")
