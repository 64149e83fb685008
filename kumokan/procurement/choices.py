"""Answers and states of the procurement tools."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kumokan.applications.choices import Answer


class SurveyAnswer(models.TextChoices):
    """An answer to one item of the survey worksheet (the selection items of the judgment)."""

    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    NOT_APPLICABLE = Answer.NOT_APPLICABLE.value, _("Does not apply")


class ContractorAnswer(models.TextChoices):
    """The contractor's answer to one item of the special-terms annex (the words of the application checklist)."""

    CONFORMS = Answer.CONFORMS.value, Answer.CONFORMS.label
    DOES_NOT_CONFORM = Answer.DOES_NOT_CONFORM.value, Answer.DOES_NOT_CONFORM.label
    NOT_APPLICABLE = Answer.NOT_APPLICABLE.value, Answer.NOT_APPLICABLE.label


class AnnexStatus(models.TextChoices):
    AWAITING_ANSWERS = "awaiting_answers", _("Awaiting the contractor's answers")
    PARTLY_ANSWERED = "partly_answered", _("Partly answered")
    ANSWERED = "answered", _("Answered")
