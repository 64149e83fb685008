"""The engine's two tracks (CONTRACT.md `track`): every judgment puts a planned use on one of them.

The high track handles important information (機密性２以上, 重要情報資産); each pack labels both in its
own words (`tracks.high.label`). A Literal, not a StrEnum: packs, case tables and judgments write the
value as it is, and their published JSON Schemas list it inline (`"enum": ["high", "low"]`).
"""

from __future__ import annotations

from typing import Literal, get_args

TrackCode = Literal["high", "low"]
# Every track, high first.
TRACKS: tuple[TrackCode, ...] = get_args(TrackCode)
# Where a rule of a pack stands: on one track, or on both.
TrackScope = Literal[TrackCode, "any"]
