"""Where packs come from, and what has been read from there: a PackLibrary the caller makes and keeps.

The engine reads no environment and keeps nothing between calls of its functions: a caller makes a
library from the directories it searches (the CLI from KUMOKAN_PACK_PATH, the site from its settings)
and keeps that one object, with what it has read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kumokan.policy.errors import PackError, Problem, UnknownPack
from kumokan.policy.facts import Facts, MeetingFacts
from kumokan.policy.judge import (
    Judgment,
    MeetingJudgment,
    check_pack_ids,
    facts_read,
    judge,
    judgment_key,
    meeting,
    stacked,
)
from kumokan.policy.loader import (
    PACK_DIR,
    AnyLoadedPack,
    LoadedMunicipality,
    LoadedPack,
    load_file,
    load_text,
    text_digest,
)

TEXTS_KEPT = 64
JUDGMENTS_KEPT = 1024


class PackLibrary:
    """The packs in some directories (earlier ones win), read once each and read again when a file changes.

    `dirs` are searched in order, then the packs shipped with kumokan (unless `shipped` is false).
    """

    def __init__(self, dirs: Iterable[Path | str] = (), *, shipped: bool = True) -> None:
        self.dirs: tuple[Path, ...] = tuple(Path(d) for d in dirs) + ((PACK_DIR,) if shipped else ())
        self._listing: dict[tuple[tuple[Path, int], ...], dict[str, Path]] = {}
        self._files: dict[Path, tuple[tuple[int, int], AnyLoadedPack]] = {}
        self._texts: dict[str, AnyLoadedPack] = {}
        self._read: dict[tuple[str, ...], frozenset[str]] = {}
        self._judgments: dict[str, Judgment] = {}

    @classmethod
    def from_path(cls, value: str, *, shipped: bool = True) -> PackLibrary:
        """A library for a search path written as KUMOKAN_PACK_PATH is: directories separated by os.pathsep."""
        return cls([p for p in value.split(os.pathsep) if p], shipped=shipped)

    def __repr__(self) -> str:
        return f"PackLibrary({[str(d) for d in self.dirs]!r})"

    def available(self) -> dict[str, Path]:
        """Every pack id that can be loaded, with the file it comes from (earlier directories win).

        Listed again only when a directory changes (a file added, removed or renamed), so judging
        does not scan the disk each time.
        """
        dirs = []
        for directory in self.dirs:
            try:
                dirs.append((directory, directory.stat().st_mtime_ns))
            except OSError:
                continue
        key = tuple(dirs)
        cached = self._listing.get(key)
        if cached is None:
            cached = {}
            for directory, _ in dirs:
                for path in sorted(directory.glob("*.yaml")):
                    cached.setdefault(path.stem, path)
            self._listing.clear()
            self._listing[key] = cached
        return dict(cached)

    def listing_state(self) -> tuple[tuple[str, Path, int, int], ...]:
        """What the loadable packs are now: each id, its file, the file's modification time and size.

        Changes when a pack is added, removed, shadowed or edited: the key of a cache of what is derived
        from every pack (kumokan.core.citations), cheaper to take than loading each pack again.
        """
        state = []
        for pack_id, path in sorted(self.available().items()):
            try:
                stat = path.stat()
            except OSError:
                continue
            state.append((pack_id, path, stat.st_mtime_ns, stat.st_size))
        return tuple(state)

    def load(self, pack_id: str) -> AnyLoadedPack:
        """The pack with this id, read once and read again only when its file changes."""
        path = self.available().get(pack_id)
        if path is None:
            raise UnknownPack(pack_id, sorted(self.available()))
        loaded = self.load_file(path)
        if loaded.id != pack_id:
            raise PackError([Problem.of(f"{path}: id", "id_not_file_name", id=loaded.id)])
        return loaded

    def load_file(self, path: Path) -> AnyLoadedPack:
        """One pack file, read again only when its modification time or size changes."""
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(path)
        if cached and cached[0] == key:
            return cached[1]
        loaded = load_file(path)
        self._files[path] = (key, loaded)
        return loaded

    def load_text(self, text: str) -> AnyLoadedPack:
        """A pack from its text (a stored, adopted version), parsed once per digest (the last few kept)."""
        digest = text_digest(text)
        cached = self._texts.get(digest)
        if cached is not None:
            return cached
        loaded = load_text(text)
        if len(self._texts) >= TEXTS_KEPT:
            self._texts.pop(next(iter(self._texts)))
        self._texts[digest] = loaded
        return loaded

    def resolve(self, pack: str | LoadedPack) -> LoadedPack:
        """A pack named by its id loaded from this library; a loaded pack as it is."""
        return self.load(pack) if isinstance(pack, str) else pack

    def judge(
        self,
        facts: Mapping[str, Any] | Facts,
        packs: Sequence[str | LoadedPack],
        *,
        configured_approver: str | None = None,
    ) -> Judgment:
        """`kumokan.policy.judge` with packs named by id (municipality first, then overlays) or given loaded:
        their kinds are checked as they are loaded (FactsError), as the CLI's --pack needs."""
        check_pack_ids([p if isinstance(p, str) else p.id for p in packs])
        municipality = stacked([self.resolve(p) for p in packs])
        return judge(facts, municipality, configured_approver=configured_approver)

    def judgment(
        self,
        facts: Mapping[str, Any] | Facts,
        municipality: LoadedMunicipality,
        *,
        configured_approver: str | None = None,
    ) -> tuple[str, Judgment]:
        """The judgment of these facts (`judge`) with its key, judged once per key (the last
        JUDGMENTS_KEPT kept). The key names the packs' exact texts, the approver setting and only the
        facts a judgment reads (judgment_key): facts alike in those, such as a ledger import's rows of
        one kind, share one judgment, the same object, which the caller does not change."""
        digests = tuple(p.digest for p in municipality.packs)
        read = self._read.get(digests)
        if read is None:
            read = self._read[digests] = facts_read(municipality)
        key = judgment_key(facts, municipality, configured_approver, read)
        kept = self._judgments.get(key)
        if kept is None:
            kept = judge(facts, municipality, configured_approver=configured_approver)
            if len(self._judgments) >= JUDGMENTS_KEPT:
                self._judgments.pop(next(iter(self._judgments)))
            self._judgments[key] = kept
        return key, kept

    def meeting(self, facts: Mapping[str, Any] | MeetingFacts, pack: str | LoadedPack) -> MeetingJudgment:
        """`kumokan.policy.meeting` with the pack named by its id or given loaded."""
        return meeting(facts, self.resolve(pack))
