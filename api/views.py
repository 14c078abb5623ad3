"""Plain-text views shared by the commands."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from api.messages import msg
from grants.errors import Lang
from grants.scores import RankedRow
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


def print_score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def print_ranking(
    out: Console, lang: Lang, rows: list[RankedRow], streams: dict[str, tuple[str, str]], top: int
) -> None:
    """Each stream's ranked list: raw and calibrated scores side by side, interval, near-tie group."""
    if not rows:
        out.print(msg("ranking.empty", lang), markup=False)
        return
    pick = 0 if lang == "fr" else 1
    moderated = any(r.moderated is not None for r in rows)
    keys = ["ranking.rank", "conflicts.application", "conflicts.organization", "ranking.raw", "ranking.calibrated"]
    keys += ["ranking.moderated"] if moderated else []
    keys += ["ranking.interval", "ranking.tie", "ranking.reviews", "ranking.flag"]
    for code, name in streams.items():
        table = Table(title=msg("ranking.title", lang, stream=name[pick]))
        for key in keys:
            wide = key == "conflicts.organization"
            table.add_column(msg(key, lang), max_width=40 if wide else None, no_wrap=True, overflow="ellipsis")
        for r in [r for r in rows if r.stream == code][:top]:
            cells = [
                str(r.rank or "—"),
                r.reference,
                r.organization,
                print_score(r.raw_mean),
                print_score(r.calibrated),
            ]
            cells += [print_score(r.moderated)] if moderated else []
            cells += [
                f"{print_score(r.low)}–{print_score(r.high)}",
                str(r.tie_group or "—"),
                f"{r.n_reviews}" + (f" (+{r.missing_reviews})" if r.missing_reviews else ""),
                msg("yes", lang) if r.disagreement else "",
            ]
            table.add_row(*cells)
        out.print(table)
