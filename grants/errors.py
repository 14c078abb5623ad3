"""Typed domain errors; each carries its message in French and in English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["fr", "en"]


class DomainError(Exception):
    """A rule of the fund was broken; the API and CLI show ``message(lang)``."""

    code = "domain_error"

    def __init__(self, *, en: str, fr: str, field: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr
        self.field = field

    def message(self, lang: Lang = "en") -> str:
        return self.fr if lang == "fr" else self.en


class NotFound(DomainError):
    code = "not_found"


class InvalidInput(DomainError):
    code = "invalid_input"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class CallLocked(DomainError):
    code = "call_locked"


class UnreadableFile(DomainError):
    code = "unreadable_file"
