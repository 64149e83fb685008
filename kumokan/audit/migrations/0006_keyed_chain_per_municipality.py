# The audit chain is re-keyed and split: one chain per municipality, each row's hash an HMAC under
# settings.AUDIT_KEY (issue 13). The old unkeyed chain is verified first: re-keying a trail that was
# already tampered with would launder the tampering, so a broken trail stops the migration (restore
# the last good backup, or take the broken trail's export to the auditor before going on).

import hashlib

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Coalesce

BATCH = 2000


def _batches(AuditEvent):
    last = 0
    while batch := list(AuditEvent.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        yield batch
        last = batch[-1].pk


def _check_unkeyed_chain(AuditEvent, AuditChainHead, canonical_content, genesis):
    previous, length = genesis, 0
    for batch in _batches(AuditEvent):
        for event in batch:
            expected = hashlib.sha256(previous.encode() + b"\n" + canonical_content(event)).hexdigest()
            if event.previous_hash != previous or event.hash != expected:
                raise RuntimeError(
                    f"audit record {event.pk} does not verify (run `manage.py audit_verify` on the release "
                    "before this one): the trail is not re-keyed while it is broken"
                )
            previous, length = event.hash, length + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if length and (head is None or head.last_hash != previous or head.length != length):
        raise RuntimeError("the audit chain head does not match the newest records: the trail is not re-keyed")


def rekey_per_municipality(apps, schema_editor):
    from kumokan.audit.models import GENESIS_HASH, canonical_content, chain_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    _check_unkeyed_chain(AuditEvent, AuditChainHead, canonical_content, GENESIS_HASH)
    heads = {}  # municipality id -> [last hash, last id, length]
    for batch in _batches(AuditEvent):
        for event in batch:
            head = heads.setdefault(event.municipality_id, [GENESIS_HASH, None, 0])
            event.previous_hash = head[0]
            event.hash = chain_hash(canonical_content(event), head[0])
            head[:] = [event.hash, event.pk, head[2] + 1]
        AuditEvent.objects.bulk_update(batch, ["previous_hash", "hash"])
    AuditChainHead.objects.all().delete()
    for municipality_id, (last_hash, last_id, length) in heads.items():
        AuditChainHead.objects.create(
            municipality_id=municipality_id, last_hash=last_hash, last_event_id=last_id, length=length
        )


def back_to_one_unkeyed_chain(apps, schema_editor):
    from kumokan.audit.models import GENESIS_HASH, canonical_content

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    previous, last_id, length = GENESIS_HASH, None, 0
    for batch in _batches(AuditEvent):
        for event in batch:
            event.previous_hash = previous
            event.hash = previous = hashlib.sha256(previous.encode() + b"\n" + canonical_content(event)).hexdigest()
            last_id, length = event.pk, length + 1
        AuditEvent.objects.bulk_update(batch, ["previous_hash", "hash"])
    AuditChainHead.objects.all().delete()
    AuditChainHead.objects.create(pk=1, last_hash=previous, last_event_id=last_id, length=length)


class Migration(migrations.Migration):

    dependencies = [
        ("tenancy", "0002_english_msgids"),
        ("audit", "0005_sso_actions"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="auditchainhead", name="audit_auditchainhead_single_row"),
        migrations.AddField(
            model_name="auditchainhead",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="tenancy.municipality",
                verbose_name="自治体",
            ),
        ),
        migrations.RunPython(rekey_per_municipality, back_to_one_unkeyed_chain),
        migrations.AddConstraint(
            model_name="auditchainhead",
            constraint=models.UniqueConstraint(
                Coalesce("municipality", Value(0)),
                name="audit_auditchainhead_one_per_chain",
                violation_error_message="There is one audit chain per municipality.",
            ),
        ),
        migrations.AlterModelOptions(
            name="auditchainhead",
            options={"verbose_name": "audit chain head", "verbose_name_plural": "audit chain heads"},
        ),
    ]
