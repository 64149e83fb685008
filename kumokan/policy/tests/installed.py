"""The shipped packs, as the engine's tests read them: one library for the test run (no search path)."""

from __future__ import annotations

from kumokan.policy import PackLibrary

LIBRARY = PackLibrary()
judge = LIBRARY.judge
meeting = LIBRARY.meeting
load_pack = LIBRARY.load
available = LIBRARY.available
