"""Words of the manager's pages: (French, English)."""

from __future__ import annotations

MANAGER: dict[str, tuple[str, str]] = {}
