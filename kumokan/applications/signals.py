"""What applications announce to the apps above them, which they do not import (the apps' layers)."""

from django.dispatch import Signal

# An application was approved: sent inside `decide`'s transaction with `acting_user`, `application`,
# `decision`, `snapshot` (the judgment decided on) and `service_manager`. Exactly one receiver enters the
# service in the ledger and returns its entry (kumokan.lifecycle.actions.entries.on_application_approved); an
# error there undoes the approval.
application_approved = Signal()
