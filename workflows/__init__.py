"""Prefect flows and tasks: thin wrappers that compose grants services."""
