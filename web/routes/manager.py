"""The manager's pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/manager", include_in_schema=False)
