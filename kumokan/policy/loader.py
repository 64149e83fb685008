"""Finding, reading and validating pack files; each error names its file, line and field."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kumokan.policy.checks import check_pack
from kumokan.policy.errors import INVALID_JA, PACK_FIELD_JA, PackError, Problem
from kumokan.policy.pack import MunicipalityPack, OverlayPack, Pack, typed

PACK_DIR = Path(__file__).resolve().parent / "packs"

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that refuses a key written twice in one mapping (YAML would keep the last), and
    a list or mapping reused through an alias (`*name`): nested aliases make a text of a few lines
    stand for billions of conditions (a "billion laughs"), which validation would walk for hours. No
    pack needs them: every rule is written out where it applies."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if isinstance(node, yaml.CollectionNode) and node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (&name, *name) are not allowed", node.start_mark
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


@dataclass(frozen=True)
class LoadedPack:
    """A validated pack with what identifies the exact text it was read from (a LoadedMunicipality
    or a LoadedOverlay: loading gives the one its kind says)."""

    pack: Pack
    path: Path | None  # None: read from stored text (a municipality's adopted version), not a file
    digest: str

    @property
    def id(self) -> str:
        return self.pack.id

    @property
    def version(self) -> str:
        return self.pack.version


@dataclass(frozen=True)
class LoadedOverlay(LoadedPack):
    pack: OverlayPack


@dataclass(frozen=True)
class LoadedMunicipality(LoadedPack):
    """A municipality's pack, with the overlays applied to it (judged after it, in this order)."""

    pack: MunicipalityPack
    overlays: tuple[LoadedOverlay, ...] = ()

    def overlaid(self, *overlays: LoadedOverlay) -> LoadedMunicipality:
        """This pack with these overlays applied after those it has: still a municipality's pack."""
        return replace(self, overlays=self.overlays + overlays)

    @property
    def packs(self) -> tuple[LoadedPack, ...]:
        """This pack, then its overlays: the packs a judgment lists."""
        return (self, *self.overlays)


AnyLoadedPack = LoadedMunicipality | LoadedOverlay


def _loaded(pack: Pack, path: Path | None, digest: str) -> AnyLoadedPack:
    kind = typed(pack)
    if isinstance(kind, MunicipalityPack):
        return LoadedMunicipality(pack=kind, path=path, digest=digest)
    return LoadedOverlay(pack=kind, path=path, digest=digest)


def load_file(path: Path) -> AnyLoadedPack:
    """Read and validate one pack file, or raise PackError listing every problem (read each time:
    a PackLibrary keeps what it has read)."""
    raw = path.read_bytes()
    pack, problems = _parse(path, raw)
    if pack is None:
        raise PackError(problems)
    return _loaded(pack, path, _digest(raw))


def text_digest(text: str) -> str:
    """What names a pack text (a LoadedPack's digest): the start of the SHA-256 of its UTF-8 bytes."""
    return _digest(text.encode("utf-8"))


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def load_text(text: str) -> AnyLoadedPack:
    """Read and validate a pack from its text (a stored, adopted version), or raise PackError.

    Its digest is that of the text as UTF-8, as `load_file` computes it from the file's bytes, so
    the same text has the same digest wherever it was read from. Parsed each time: a PackLibrary
    keeps what it has read.
    """
    raw = text.encode("utf-8")
    pack, problems = _parse(Path("pack"), raw)
    if pack is None:
        raise PackError(problems)
    return _loaded(pack, None, _digest(raw))


def validate_file(path: Path) -> list[Problem]:
    """Every problem in one pack file (an empty list: the pack is valid)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [Problem.of(str(path), "unreadable", reason=exc.strerror)]
    return _parse(path, raw)[1]


def _parse(path: Path, raw: bytes) -> tuple[Pack | None, list[Problem]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem.of(str(path), "not_utf8", reason=exc.reason)]
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        detail = exc.problem or str(exc)
        return None, [Problem.of(f"{path}{line}", "invalid_yaml", detail=detail)]
    if not isinstance(data, dict):
        return None, [Problem.of(str(path), "not_a_mapping")]
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        lines = _LineFinder(text)
        return None, [
            Problem(
                lines.where(path, tuple(err["loc"])),
                _japanese(err),
                err["msg"],
            )
            for err in exc.errors(include_url=False)
        ]
    semantic = check_pack(pack)
    if semantic:
        lines = _LineFinder(text)
        return None, [Problem(lines.where(path, loc), ja, en) for loc, ja, en in semantic]
    return pack, []


def _japanese(err: Any) -> str:
    if err["type"] == "condition":
        return str(err["msg"]).split(" / ")[0]
    base = PACK_FIELD_JA.get(err["type"], INVALID_JA)
    expected = (err.get("ctx") or {}).get("expected")
    return f"{base}（{expected}）" if expected else base


class _LineFinder:
    """Maps a validation error's location to the line of the pack file it concerns."""

    def __init__(self, text: str) -> None:
        self.root = yaml.compose(text, Loader=yaml.SafeLoader)

    def where(self, path: Path, loc: tuple[Any, ...]) -> str:
        node = self.root
        for part in loc:
            child = self._child(node, part)
            if child is not None:
                node = child
        line = node.start_mark.line + 1 if node is not None else 1
        field = ".".join(str(p) for p in _readable(loc))
        return f"{path}:{line}: {field}" if field else f"{path}:{line}"

    @staticmethod
    def _child(node: Any, part: Any) -> Any:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part).rstrip("_"):
                    return value
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            return node.value[part]
        return None


def _readable(loc: tuple[Any, ...]) -> Iterator[Any]:
    """Drop pydantic's union tags so `items.3.when.all.all.0` reads `items.3.when.all.0`."""
    previous = None
    for part in loc:
        if part == previous or part in {"str", "bool"}:
            continue
        previous = part
        yield str(part).rstrip("_") if isinstance(part, str) else part
