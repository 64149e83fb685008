"""The site's packs: one kumokan.policy.PackLibrary, searching settings.KUMOKAN_PACK_PATH, then the shipped packs.

The engine keeps nothing between calls; this library keeps what the site has read (each pack file until
it changes, the last adopted texts). A change of the setting (a test's `settings` fixture) gives a fresh one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from kumokan.policy import AnyLoadedPack, PackLibrary


def library() -> PackLibrary:
    """The library for the search path in the settings now."""
    return _library(tuple(settings.KUMOKAN_PACK_PATH))


@lru_cache(maxsize=1)
def _library(dirs: tuple[str, ...]) -> PackLibrary:
    return PackLibrary(dirs)


def load_pack(pack_id: str) -> AnyLoadedPack:
    """The installed pack with this id (raises kumokan.policy.UnknownPack)."""
    return library().load(pack_id)


def load_text(text: str) -> AnyLoadedPack:
    """A pack from a stored text (an adopted version), parsed once per digest."""
    return library().load_text(text)


def available() -> dict[str, Path]:
    """Every installed pack id, with its file."""
    return library().available()
