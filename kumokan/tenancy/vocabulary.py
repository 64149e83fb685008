"""The city's own words for what every page, PDF, export and notification names (issue 17 point 1).

One owner: the municipality's pack says what its rules call the services, their manager, the ledger and
the two tracks; where it says nothing, the generic word in the active language stands in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kumokan.audit.choices import Action
from kumokan.core.labels import TRACK_LABELS
from kumokan.errors import reads_english, words_in_both
from kumokan.policy import PolicyError
from kumokan.policy.pack import Level, Pack, Role
from kumokan.policy.tracks import TRACKS
from kumokan.tenancy.models import Municipality


@dataclass(frozen=True)
class Vocabulary:
    service: str  # クラウドサービス, 外部サービス
    service_manager: str  # クラウドサービス管理者, 外部サービス管理者
    ledger: str  # 台帳, 情報システム台帳
    # "high"/"low" -> the pack's label (機密性２以上の情報を取り扱う場合), else the product's (TRACK_LABELS)
    track_labels: dict[str, str]
    # -> the seed's short words where it has them (Kobe 機密性２以上, 5.3), else the label: for badges
    track_short_labels: dict[str, str]

    def track(self, code: str, *, short: bool = False) -> str:
        """A track as this reader reads it: the short words on a badge or a table's cell, the long label
        where a sentence is wanted (a title attribute, the rulebook)."""
        labels = self.track_short_labels if short else self.track_labels
        return labels.get(code, code)

    def service_label(self) -> str:
        """The service's name as a label, as the city calls the service (外部サービスの名称; the ledger's column)."""
        return capfirst(pgettext("ledger column", "%(service)s") % self.as_params())

    def provider_label(self) -> str:
        """A service's provider as the city calls it, as a label (外部サービス提供者; the ledger's column)."""
        return capfirst(pgettext("ledger column", "%(service)s provider") % self.as_params())

    def as_params(self) -> dict[str, str]:
        """The words as a message's parameters: %(service)s, %(service_manager)s, %(ledger)s."""
        return {"service": self.service, "service_manager": self.service_manager, "ledger": self.ledger}


def _generic() -> Vocabulary:
    generic_tracks = {code: str(label) for code, label in TRACK_LABELS.items()}
    return Vocabulary(
        service=_("cloud service"),
        service_manager=_("Service manager"),
        ledger=_("Ledger"),
        track_labels=generic_tracks,
        track_short_labels=dict(generic_tracks),
    )


def vocabulary_of_pack(pack: Pack) -> Vocabulary:
    """The pack's words; in English the generic English ones (the packs give no English for them)."""
    generic = _generic()
    if reads_english():
        return generic
    manager = pack.title_of(Role.SERVICE_MANAGER)
    if manager is None and pack.tracks is not None:
        manager = pack.tracks.high.service_manager.title
    labels = dict(generic.track_labels)
    short = dict(generic.track_short_labels)
    if pack.tracks is not None:
        for code in TRACKS:
            track = getattr(pack.tracks, code)
            labels[code] = track.label
            short[code] = track.short_label.word if track.short_label else track.label
    return Vocabulary(
        service=pack.terms.service.word if pack.terms.service else generic.service,
        service_manager=manager or generic.service_manager,
        ledger=pack.terms.ledger.word if pack.terms.ledger else generic.ledger,
        track_labels=labels,
        track_short_labels=short,
    )


def in_sentence(municipality: Municipality | None) -> dict[str, str]:
    """The city's words as a refusal's or message's parameters (%(service)s, %(service_manager)s,
    %(ledger)s), each read in the language active when it is shown, as inside a sentence: in Japanese the
    city's own words as its rules write them, in English the generic ones in lower case ("Only the service
    manager …"). A text made with them can be kept and read later (kumokan.errors.stored)."""
    return words_in_both(lambda: vocabulary(municipality).as_params())


# The audit trail's actions whose names say the service or the ledger, said as the city's rules say them
# (Kobe: 情報システム台帳への登録); their choices' labels (kumokan.audit.choices) keep the generic words.
_ACTIONS_IN_CITY_WORDS = {
    Action.SERVICE_CREATE: gettext_lazy("%(service)s registered"),
    Action.LEDGER_REGISTER: gettext_lazy("Entered in the %(ledger)s"),
    Action.LEDGER_EDIT: gettext_lazy("%(ledger)s entry changed"),
    Action.LEDGER_IMPORT_CHECK: gettext_lazy("%(ledger)s file checked (dry run)"),
    Action.LEDGER_IMPORT_COMMIT: gettext_lazy("%(ledger)s file imported"),
    Action.LEDGER_IMPORT_ENTRY: gettext_lazy("%(ledger)s entry imported"),
    Action.PROCUREMENT_LINK_ENTRY: gettext_lazy("Procurement linked to its %(ledger)s entry"),
}


def action_label(action: str, municipality: Municipality | None) -> str:
    """What an audited action did, in the active language and the municipality's words, never its code."""
    try:
        known = Action(action)
    except ValueError:
        return _("Unknown action")
    wording = _ACTIONS_IN_CITY_WORDS.get(known)
    if wording is None:
        return str(known.label)
    return capfirst(str(wording) % {name: str(value) for name, value in in_sentence(municipality).items()})


def word(municipality: Municipality, name: str) -> str:
    """One of the city's words, read in the language active when it is shown (a notification's parameter)."""
    return lazy(lambda: str(getattr(vocabulary(municipality), name)), str)()


def vocabulary(municipality: Municipality | None) -> Vocabulary:
    """The municipality's words (the generic ones without a municipality or with its pack missing)."""
    if municipality is None:
        return _generic()
    try:
        return vocabulary_of_pack(municipality.pack().pack)
    except PolicyError:
        return _generic()


def level_label(level: Level) -> str:
    """A classification level as the reader reads it: the pack's English on an English page where the
    pack gives one (label_en, a translation), else the pack's own words."""
    if level.label_en and reads_english():
        return level.label_en
    return level.label


def classification_labels(municipality: Municipality, scale: str = "confidentiality") -> dict[str, str]:
    """The municipality's confidentiality (or availability) scale in the pack's order: code → the label
    the reader reads (level_label); empty where its pack cannot be read or has no classification."""
    try:
        classification = municipality.pack().pack.classification
    except PolicyError:
        return {}
    if classification is None:
        return {}
    return {level.code: level_label(level) for level in getattr(classification, scale).levels}
