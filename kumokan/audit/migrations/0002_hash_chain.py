# Chains the audit rows: each carries the SHA-256 of its content and of the row before it.

from django.db import migrations, models


def chain_existing_rows(apps, schema_editor):
    from kumokan.audit.models import GENESIS_HASH, canonical_content, chain_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    previous, last_id, length = GENESIS_HASH, None, 0
    for event in AuditEvent.objects.order_by("id").iterator():
        digest = chain_hash(canonical_content(event), previous)
        AuditEvent.objects.filter(pk=event.pk).update(previous_hash=previous, hash=digest)
        previous, last_id, length = digest, event.pk, length + 1
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_event_id": last_id, "last_hash": previous, "length": length}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_event_id", models.BigIntegerField(blank=True, null=True, verbose_name="last record")),
                ("last_hash", models.CharField(default="0" * 64, max_length=64, verbose_name="last record's hash")),
                ("length", models.BigIntegerField(default=0, verbose_name="records")),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain head",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(id=1),
                        name="audit_auditchainhead_single_row",
                        violation_error_message="There is only one audit chain.",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="previous record's hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="hash"),
        ),
    ]
