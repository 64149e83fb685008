"""The policy engine: packs of rules as data, and the judgment of one planned use. Imports no Django.

The caller makes a PackLibrary (where packs are searched, with what has been read) and keeps it; the
engine itself reads no environment and keeps no state between calls.
"""

from kumokan.policy.errors import FactsError, PackError, PolicyError, Problem, UnknownPack
from kumokan.policy.judge import Judgment, judge, meeting, stacked
from kumokan.policy.library import PackLibrary
from kumokan.policy.loader import (
    PACK_DIR,
    AnyLoadedPack,
    LoadedMunicipality,
    LoadedOverlay,
    LoadedPack,
    load_file,
    load_text,
    text_digest,
    validate_file,
)
from kumokan.policy.pack import MunicipalityPack, OverlayPack

__all__ = [
    "PACK_DIR",
    "AnyLoadedPack",
    "FactsError",
    "Judgment",
    "LoadedMunicipality",
    "LoadedOverlay",
    "LoadedPack",
    "MunicipalityPack",
    "OverlayPack",
    "PackError",
    "PackLibrary",
    "PolicyError",
    "Problem",
    "UnknownPack",
    "judge",
    "load_file",
    "load_text",
    "meeting",
    "stacked",
    "text_digest",
    "validate_file",
]
