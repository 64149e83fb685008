# The ledger entry's constraints say what the application's say, in the same words (kumokan.core.constraints):
# only the messages change, so nothing changes in the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0013_change_reasons_as_msgids'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='ledgerentry',
            name='ledger_ledgerentry_status_valid',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['approved', 'in_operation', 'suspended', 'retired'])), name='ledger_ledgerentry_status_valid', violation_error_message='The status is not valid.'),
        ),
        migrations.AlterConstraint(
            model_name='ledgerentry',
            name='ledger_ledgerentry_period_ordered',
            constraint=models.CheckConstraint(condition=models.Q(('period_start__isnull', True), ('period_end__isnull', True), ('period_end__gte', models.F('period_start')), _connector='OR'), name='ledger_ledgerentry_period_ordered', violation_error_message='The end of use cannot be before its start.'),
        ),
        migrations.AlterConstraint(
            model_name='ledgerentry',
            name='ledger_ledgerentry_version_positive',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='ledger_ledgerentry_version_positive', violation_error_message='The version is at least 1.'),
        ),
    ]
