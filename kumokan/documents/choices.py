"""The kinds of printed form, the phases their checklists are grouped by, and exchange file formats."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kumokan.core.labels import PHASE_LABELS, engine_choices
from kumokan.policy.pack import Phase as EnginePhase


class FormKind(models.TextChoices):
    """What a form is for; each kind has one layout (a template), whichever city's form it prints."""

    APPLICATION_AND_PERMIT = "application_and_permit", _("Application and permit")
    REQUIREMENT_SHEET = "requirement_sheet", _("Requirement sheet")
    CHECKLIST = "checklist", _("Checklist")


# kumokan.policy.pack.Phase as Django choices, labelled as on every page (core.labels.PHASE_LABELS).
Phase = engine_choices("Phase", EnginePhase, PHASE_LABELS)


class FileFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook (.xlsx)")
    CSV_UTF8 = "csv", _("CSV (UTF-8 with BOM)")
    CSV_CP932 = "csv_cp932", _("CSV (Shift_JIS, for older Excel)")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked in the background")
    IMPORTING = "importing", _("Being imported in the background")
    CHECKED = "checked", _("Checked, ready to import")
    DECISIONS = "decisions", _("Waiting for decisions on some values")
    REFUSED = "refused", _("Refused: see the problems")
    COMMITTED = "committed", _("Imported")
