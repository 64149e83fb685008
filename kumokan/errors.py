"""Refusals of kumokan's actions, in Japanese and English (the engine's own errors are kumokan.policy's)."""

from __future__ import annotations

from django.utils.translation import get_language


class WorkflowError(Exception):
    """The action is not allowed in the object's current state or with these inputs."""

    def __init__(
        self, ja: str, en: str, *, code: str = "workflow", details: tuple[WorkflowError, ...] = ()
    ) -> None:
        super().__init__(ja)
        self.ja = ja
        self.en = en
        self.code = code
        # The separate reasons when one refusal has several (e.g. everything missing before submit).
        self.details = details

    @property
    def message(self) -> str:
        """The message in the active language (Japanese unless English is active)."""
        return self.en if (get_language() or "ja").startswith("en") else self.ja


class ConflictError(WorkflowError):
    """Someone else changed the object first: reload and try again."""

    def __init__(self, ja: str, en: str, *, code: str = "conflict") -> None:
        super().__init__(ja, en, code=code)


def check_version(thing_ja: str, thing_en: str, current: int, expected: int | None) -> None:
    """Refuse a change made on another version than the current one (none expected: no check).

    An older version is stale (someone changed the object since it was read); a newer one was never
    there: the caller sent a wrong number, and reloading will not explain that.
    """
    if expected is None or expected == current:
        return
    if expected < current:
        raise ConflictError(
            f"この{thing_ja}は他の人が先に更新しました（版 {expected} → {current}）。"
            "画面を更新して内容を確認してください。",
            f"the {thing_en} was changed by someone else (version {expected} → {current}); reload",
            code="stale_version",
        )
    raise ConflictError(
        f"この{thing_ja}に版 {expected} はありません（現在の版は {current}）。読み込んだ版を送ってください。",
        f"the {thing_en} has no version {expected} (its version is {current}): send the version you read",
        code="unknown_version",
    )
