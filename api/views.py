"""Plain-text views shared by the commands."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from api.messages import msg
from grants.errors import Lang
from grants.i18n import format_money
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


def print_round_report(out: Console, lang: Lang, report: Any, streams: dict[str, tuple[str, str]]) -> None:
    """What an award round decided: counts, money per stream, regional floors, lottery draws."""
    pick = 0 if lang == "fr" else 1
    kind = msg("award.kind.dry" if report.dry_run else "award.kind.draft", lang)
    out.print(
        msg("award.created", lang, round=report.round_id, kind=kind, funded=report.funded,
            waitlisted=report.waitlisted, declined=report.declined, method=report.method, seed=report.seed),
        markup=False,
    )  # fmt: skip
    totals = Table(title=msg("award.totals", lang))
    for key in ("assign.stream", "award.envelope", "award.funded", "award.left"):
        totals.add_column(msg(key, lang), justify="left" if key == "assign.stream" else "right")
    for code, envelope in report.envelopes.items():
        funded = report.funded_by_stream.get(code, 0)
        name = streams.get(code, (code, code))[pick]
        totals.add_row(
            name, format_money(envelope, lang), format_money(funded, lang), format_money(envelope - funded, lang)
        )
    out.print(totals)
    if report.floors:
        floors = Table(title=msg("award.floors", lang))
        for key in ("assign.stream", "award.region", "award.required", "award.funded", "award.met"):
            floors.add_column(msg(key, lang))
        for f in report.floors:
            met = msg("yes", lang) if f["met"] else (f["reason_fr"] if pick == 0 else f["reason_en"])
            floors.add_row(f["stream"], f["region"], format_money(f["required_cents"], lang),
                           format_money(f["funded_cents"], lang), met)  # fmt: skip
        out.print(floors)
    for lot in report.lotteries:
        order = ", ".join(str(a) for a in lot["order"])
        out.print(
            msg("award.lottery", lang, stream=lot["stream"], group=lot["tie_group"], seed=lot["seed"], order=order),
            markup=False,
        )


def intake_line(report: Any, lang: Lang) -> str:
    return msg("intake.summary", lang, source=report.source, total=report.total_rows, accepted=report.accepted,
               unchanged=report.unchanged, rejected=report.rejected)  # fmt: skip


def screening_line(summary: Any, lang: Lang) -> str:
    return msg("screen.summary", lang, screened=summary.screened, eligible=summary.eligible,
               ineligible=summary.ineligible, review=summary.needs_review)  # fmt: skip


def import_line(report: Any, key: str, lang: Lang) -> str:
    return msg(key, lang, source=report.source, total=report.total_rows, added=report.added, updated=report.updated,
               unchanged=report.unchanged, rejected=report.rejected)  # fmt: skip


def assignment_line(report: Any, lang: Lang) -> str:
    return msg("assign.summary", lang, assigned=report.assigned, applications=report.applications,
               moved=report.moved_to_review, objective=report.objective, lowest=report.lowest,
               conflicts=report.detected_conflicts)  # fmt: skip


def review_summary_line(summary: Any, lang: Lang) -> str:
    return msg("reviews.result", lang, reviews=summary.reviews, applications=summary.applications,
               flagged=summary.flagged, outliers=summary.outliers, missing=summary.missing,
               moved=summary.moved_to_reviewed)  # fmt: skip
