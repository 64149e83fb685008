"""The reasons the system wrote into the history before 0012, in whatever language was active then, become
msgids read in each reader's language: a step's label (starting operation with no reason typed) and a
corrective action that cannot be corrected (its typed result kept as the parameter). Any other reason is what
a person typed and stays as typed.

The texts are written out here as they were: what the code wrote in Japanese (the catalogue's translation,
and the Japanese msgid the labels had before 0009) and in English.
"""

from django.db import migrations
from django.utils import translation

# kumokan.lifecycle.entries wrote the step's label (kumokan.ledger.choices.EntryStep) when no reason was
# typed; its Japanese and English as they were written.
STEP_LABELS = {
    "Start operation": ("運用開始", "Start operation"),
    "Suspend use": ("利用停止", "Suspend use"),
    "Resume use": ("利用再開", "Resume use"),
    "Retire": ("廃止", "Retire"),
}
# kumokan.lifecycle.actions.incidents.close_corrective_action: "<prefix><the result as typed>".
UNCORRECTABLE = "Cannot be corrected: %(result)s"
UNCORRECTABLE_PREFIXES = ("是正できないため利用停止: ", "Cannot be corrected: ")


def to_msgids(apps, schema_editor):
    LedgerChange = apps.get_model("ledger", "LedgerChange")
    for msgid, texts in STEP_LABELS.items():
        LedgerChange.objects.filter(reason_msgid="", reason__in=texts).update(
            reason="", reason_msgid=msgid, reason_context="", reason_params={}
        )
    for prefix in UNCORRECTABLE_PREFIXES:
        rows = LedgerChange.objects.filter(reason_msgid="", reason__startswith=prefix)
        for change in rows.only("pk", "reason").iterator():
            result = change.reason[len(prefix) :]
            if not result.strip():
                continue  # nothing typed after it: not the text the system wrote
            LedgerChange.objects.filter(pk=change.pk).update(
                reason="", reason_msgid=UNCORRECTABLE, reason_context="", reason_params={"result": result}
            )


def to_japanese(apps, schema_editor):
    """Back to one text, in Japanese as the release before wrote it (any msgid written since, too)."""
    LedgerChange = apps.get_model("ledger", "LedgerChange")
    with translation.override("ja"):
        for change in LedgerChange.objects.exclude(reason_msgid="").iterator():
            message = {"msgid": change.reason_msgid, "context": change.reason_context, "params": change.reason_params}
            LedgerChange.objects.filter(pk=change.pk).update(
                reason=_japanese(message), reason_msgid="", reason_context="", reason_params={}
            )


def _japanese(message):
    if "msgid" not in message:
        return message["ja"]  # a text that came in both languages (kumokan.errors.in_both)
    context, msgid = message.get("context"), message["msgid"]
    text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    params = message.get("params")
    if not params:
        return text
    return text % {name: _japanese(v) if isinstance(v, dict) else v for name, v in params.items()}


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0012_change_reason_msgid"),
    ]

    operations = [
        migrations.RunPython(to_msgids, to_japanese),
    ]
