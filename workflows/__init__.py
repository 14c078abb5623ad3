"""Prefect flows and tasks: thin wrappers that compose grants services.

Importing this package configures Prefect for the engine before Prefect loads.
"""

from workflows import runtime as _runtime  # noqa: F401  (must run before prefect is imported)
