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
