"""Words of the reviewer's pages: (French, English)."""

from __future__ import annotations

REVIEWER: dict[str, tuple[str, str]] = {}
