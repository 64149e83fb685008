"""The note an import wrote on each application it made and on its decision (「台帳ファイル「…」のN行目から
取り込みました。」, in the importer's language, before 0008) becomes a msgid with its file name and row, read
in each reader's language (Application.system_note, Decision.system_reason). A note a person typed, or
one with anything more, stays as written. Backwards, the Japanese text again.
"""

import re

from django.db import migrations

# kumokan.documents.actions wrote this, alone, in the language of the person importing.
IMPORTED = "Imported from the ledger file %(name)s, row %(row)d."
WRITTEN = (
    re.compile(r"\A台帳ファイル「(?P<name>.*)」の(?P<row>\d+)行目から取り込みました。\Z", re.S),
    re.compile(r"\AImported from the ledger file (?P<name>.*), row (?P<row>\d+)\.\Z", re.S),
)


def _kept(text):
    for pattern in WRITTEN:
        found = pattern.match(text)
        if found:
            return {"msgid": IMPORTED, "params": {"name": found["name"], "row": int(found["row"])}}
    return None


def to_msgid(apps, schema_editor):
    for model, typed, given in (
        ("Application", "notes", "system_note"),
        ("Decision", "reason", "system_reason"),
    ):
        rows = apps.get_model("applications", model).objects
        candidates = rows.filter(**{f"{typed}__contains": "取り込みました"}) | rows.filter(
            **{f"{typed}__startswith": "Imported from the ledger file "}
        )
        for pk, text in candidates.values_list("pk", typed).iterator():
            kept = _kept(text)
            if kept is not None:
                rows.filter(pk=pk).update(**{typed: "", given: kept})


def to_japanese(apps, schema_editor):
    """The note kumokan gave, in Japanese, after the typed one (as before 0008)."""
    from kumokan.errors import rendered, restored

    for model, typed, given in (
        ("Application", "notes", "system_note"),
        ("Decision", "reason", "system_reason"),
    ):
        rows = apps.get_model("applications", model).objects
        for pk, text, kept in rows.exclude(**{given: {}}).values_list("pk", typed, given).iterator():
            note = "\n".join(part for part in (text, rendered(restored(kept), "ja")) if part)
            rows.filter(pk=pk).update(**{typed: note, given: {}})


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_system_note_and_reason"),
    ]

    operations = [
        migrations.RunPython(to_msgid, to_japanese),
    ]
