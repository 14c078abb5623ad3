"""Alembic migrations of the engine's schema (run with ``grants init``)."""
