"""Plain-text views shared by the commands."""

from __future__ import annotations

from rich.console import Console

from api.messages import msg
from grants.status import StatusView


def print_status(out: Console, view: StatusView) -> None:
    """An application's status as the applicant reads it."""
    lang = view.language
    sep = " : " if lang == "fr" else ": "
    for key, value in (
        ("status.reference", view.reference),
        ("status.call", view.call_title),
        ("status.organization", view.organization),
        ("status.project", view.project_title),
        ("status.stream", view.stream),
        ("status.stage", view.stage),
    ):
        out.print(f"{msg(key, lang)}{sep}{value}", markup=False)
    out.print(f"  {view.explanation}", markup=False)
    if view.reasons:
        out.print(f"{msg('status.why', lang)}{sep.rstrip()}", markup=False)
        for rule, reason in view.reasons:
            out.print(f"  - {rule}{sep}{reason}", markup=False)
    out.print(f"{msg('status.history', lang)}{sep.rstrip()}", markup=False)
    for entry in view.history:
        out.print(f"  {entry.at} — {entry.stage} ({entry.note})", markup=False)
