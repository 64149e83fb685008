from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kumokan.api"
    label = "api"
    verbose_name = _("REST API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kumokan.accounts.signals import two_factor_removed
        from kumokan.api.actions import revoke_tokens_of
        from kumokan.api.webhooks import register

        register()
        # Removing a user's second factor revokes their API tokens.
        two_factor_removed.connect(revoke_tokens_of, dispatch_uid="kumokan.api.actions.revoke_tokens_of")
