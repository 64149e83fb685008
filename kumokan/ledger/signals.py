"""Signals the ledger sends to the apps above it."""

from django.dispatch import Signal

# `manage.py recount_ledger` checks (and, with repair=True, repairs) the copies of entry fields that
# other apps keep on their rows (kumokan.lifecycle: each checklist task's and re-check's copy of its
# entry's municipality and status). Sent with municipality (None: all) and repair; each receiver
# returns {what: rows whose copy differed}.
entry_copies_checked = Signal()
