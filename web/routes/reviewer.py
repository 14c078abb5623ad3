"""The reviewer's pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/reviewer", include_in_schema=False)
