"""The policy engine: packs of rules as data, and the judgment of one planned use. Imports no Django."""

from kumokan.policy.errors import FactsError, PackError, PolicyError, Problem, UnknownPack
from kumokan.policy.judge import Judgment, judge, meeting
from kumokan.policy.loader import (
    LoadedPack,
    available,
    load_file,
    load_pack,
    load_text,
    text_digest,
    validate_file,
)

__all__ = [
    "FactsError",
    "Judgment",
    "LoadedPack",
    "PackError",
    "PolicyError",
    "Problem",
    "UnknownPack",
    "available",
    "judge",
    "load_file",
    "load_pack",
    "load_text",
    "meeting",
    "text_digest",
    "validate_file",
]
