"""Pure algorithms over plain data: scoring, conflicts, assignment, allocation."""
