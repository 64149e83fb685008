"""Messages to one user about something that concerns them; also sent by e-mail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kumokan.errors import reads_english
from kumokan.notifications.choices import Verb
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.vocabulary import vocabulary


def verb_label(verb: str, municipality: Municipality | None) -> str:
    """The kind of a notification, in the active language; the ledger and the service manager named as the
    city does (Kobe: 情報システム台帳の変更, 外部サービス管理者の指名; tenancy.vocabulary)."""
    if verb == Verb.LEDGER_CHANGED:
        return gettext("%(ledger)s entry changed") % {"ledger": vocabulary(municipality).ledger}
    if verb == Verb.DESIGNATED:
        return gettext("%(service_manager)s designated") % vocabulary(municipality).as_params()
    return str(Verb(verb).label)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    verb = models.CharField(_("kind"), max_length=30, choices=Verb.choices)
    text = models.TextField(_("text"))
    # The same message in English (notifications.messages.Message); empty on rows from before it.
    text_en = models.TextField(_("text in English"), blank=True, default="")
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notifications_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.text[:40]}"

    @property
    def verb_label(self) -> str:
        return verb_label(self.verb, self.municipality)

    @property
    def text_for_reader(self) -> str:
        """The text in the active language (Japanese where there is no English)."""
        if reads_english() and self.text_en:
            return self.text_en
        return self.text
