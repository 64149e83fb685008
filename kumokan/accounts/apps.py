from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kumokan.accounts"
    verbose_name = _("Accounts and sign-in")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kumokan.accounts import signals  # noqa: F401 (connects the sign-in audit receivers)
