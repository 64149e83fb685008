"""What the catalogue announces to the apps above it, which it does not import (the apps' layers)."""

from django.dispatch import Signal

# A certification lapsed (withdrawn, expired, or about to expire with no renewal pending), sent once
# inside the transaction that records the lapse, with `certification`, `today` and `acting_user`.
# Each receiver returns the re-checks it opened (kumokan.lifecycle.lapses opens one for every service
# approved on the certification); an error in a receiver undoes the whole action.
certification_lapsed = Signal()
