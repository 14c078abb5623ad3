"""``grants demo``: a whole synthetic call on the embedded default, with a summary."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from api.messages import msg
from api.views import (
    assignment_line,
    import_line,
    intake_line,
    print_ranking,
    print_round_report,
    print_status,
    review_summary_line,
    screening_line,
)
from grants.errors import Lang
from grants.lifecycle import STATUS_NAMES
from grants.models import ApplicationStatus as S


def run_demo(*, applications: int, reviewers: int, seed: int, lang: Lang, out: Console, actor: str) -> None:
    """Synthesize a call, set it up, take in and screen its applications, and assign reviewers."""
    from grants.calls import call_spec, get_call, save_call
    from grants.callspec import load_call_spec
    from grants.db import get_engine, unit_of_work
    from grants.eligibility import RULE_NAMES
    from grants.migrate import upgrade
    from grants.settings import get_settings
    from grants.status import (
        application_status,
        call_overview,
        failures_by_rule,
        first_ineligible_reference,
        pending_review_count,
    )
    from grants.synth import generate
    from workflows.intake import intake_flow
    from workflows.runtime import run_flow
    from workflows.screening import screening_flow

    pick = 0 if lang == "fr" else 1
    settings = get_settings()
    folder = (settings.home / "demo").resolve()
    files = generate(folder, applications=applications, reviewers=reviewers, seed=seed)
    engine = get_engine()
    upgrade(engine)
    spec = load_call_spec(files.call_file)
    with unit_of_work(engine) as session:
        save_call(session, spec=spec, actor=actor)
    out.print(msg("demo.title", lang, title=spec.title_fr if pick == 0 else spec.title_en), markup=False)

    report = run_flow(
        intake_flow, call_code=spec.code, path=str(files.applications_file), out_dir=str(folder / "out"), actor=actor
    )
    out.print(intake_line(report, lang), markup=False)
    screening = run_flow(screening_flow, call_code=spec.code, actor=actor)
    out.print(screening_line(screening, lang), markup=False)
    if screening.letters:
        out.print(msg("screen.letters", lang, path=screening.letters), markup=False)

    _review_setup(spec.code, files.reviewers_file, files.conflicts_file, folder / "out", lang, out, actor)

    with unit_of_work(engine) as session:
        counts = call_overview(session, call_code=spec.code)
        pending = pending_review_count(session, call_code=spec.code)
        stream_names = {s.code: (s.name_fr, s.name_en)[pick] for s in call_spec(get_call(session, spec.code)).streams}
        failures = failures_by_rule(session, call_code=spec.code)
    table = Table(title=msg("demo.table", lang))
    table.add_column(msg("demo.stream", lang))
    stages = sorted({c.status for c in counts}, key=list(S).index)
    for stage in stages:
        table.add_column(STATUS_NAMES[stage][pick], justify="right")
    table.add_column(msg("demo.total", lang), justify="right")
    grid: dict[str, dict[S, int]] = defaultdict(dict)
    for c in counts:
        grid[c.stream][c.status] = c.count
    for code, name in stream_names.items():
        row = grid.get(code, {})
        table.add_row(name, *(str(row.get(s, 0)) for s in stages), str(sum(row.values())))
    out.print(table)
    rules = Table(title=msg("demo.rules", lang))
    rules.add_column(msg("demo.rule", lang))
    rules.add_column(msg("demo.count", lang), justify="right")
    for rule, count in failures:
        rules.add_row(RULE_NAMES[rule][pick], str(count))
    rules.add_row(msg("demo.review", lang), str(pending))
    out.print(rules)
    with unit_of_work(engine) as session:
        example = first_ineligible_reference(session, call_code=spec.code)
        view = application_status(session, reference=example) if example else None
    if view is not None:
        out.print()
        out.print(msg("demo.example", lang, reference=view.reference), markup=False)
        print_status(out, view)
        out.print()
    if report.error_report:
        out.print(msg("intake.errors", lang, path=report.error_report), markup=False)
    if report.token_file:
        out.print(msg("intake.tokens", lang, path=report.token_file), markup=False)
    if report.receipts:
        out.print(msg("intake.receipts", lang, path=report.receipts), markup=False)
    out.print(msg("demo.files", lang, path=folder), markup=False)


def _review_setup(
    call_code: str, reviewers: Path, conflicts: Path, out_dir: Path, lang: Lang, out: Console, actor: str
) -> None:
    """Reviewer pool, declared conflicts, then the assignment (detection runs inside it)."""
    from workflows.assignment import assignment_flow, conflicts_import_flow, reviewers_import_flow
    from workflows.runtime import run_flow

    for flow, path, key in (
        (reviewers_import_flow, reviewers, "reviewers.summary"),
        (conflicts_import_flow, conflicts, "conflicts.summary"),
    ):
        report = run_flow(flow, call_code=call_code, path=str(path), out_dir=str(out_dir), actor=actor)
        out.print(import_line(report, key, lang), markup=False)
    assigned = run_flow(assignment_flow, call_code=call_code, mode="total", actor=actor)
    if assigned.problem_en:
        out.print(assigned.problem_fr if lang == "fr" else assigned.problem_en, markup=False)
        return
    out.print(assignment_line(assigned, lang), markup=False)
    _reviews(call_code, lang, out, actor)


def _reviews(call_code: str, lang: Lang, out: Console, actor: str) -> None:
    """Simulated reviews for every assignment, their summary, and the top of each stream."""
    from grants.calls import call_spec, get_call
    from grants.db import unit_of_work
    from grants.reviews import simulate_reviews
    from grants.scores import ranking
    from workflows.runtime import run_flow
    from workflows.scoring import review_summary_flow

    with unit_of_work() as session:
        simulated = simulate_reviews(session, call_code=call_code, seed=2026, actor=actor)
    out.print(msg("reviews.simulated", lang, count=simulated.created), markup=False)
    summary = run_flow(review_summary_flow, call_code=call_code, actor=actor)
    out.print(review_summary_line(summary, lang), markup=False)
    with unit_of_work() as session:
        rows = ranking(session, call_code=call_code)
        streams = {s.code: (s.name_fr, s.name_en) for s in call_spec(get_call(session, call_code)).streams}
    print_ranking(out, lang, rows, streams, top=5)
    _award(call_code, streams, lang, out)


# The demo's two fund managers: one runs the award round, the other approves it.
DEMO_MANAGERS = ("Claire Beaulieu", "Daniel Whitehorse")


def _award(call_code: str, streams: dict[str, tuple[str, str]], lang: Lang, out: Console) -> None:
    """An award round run by one manager and approved by another, with its totals."""
    from sqlmodel import select

    from grants.awards import approve_round
    from grants.db import unit_of_work
    from grants.models import AwardRound
    from workflows.awards import award_round_flow
    from workflows.runtime import run_flow

    with unit_of_work() as session:
        approved = session.exec(select(AwardRound).where(AwardRound.status == "approved")).first()
    if approved is not None:  # a second demo run keeps the round it approved before
        _letters(call_code, approved.id or 0, lang, out)
        return
    report = run_flow(award_round_flow, call_code=call_code, seed=2026, actor=DEMO_MANAGERS[0])
    if report.problem_en:
        out.print(report.problem_fr if lang == "fr" else report.problem_en, markup=False)
        return
    print_round_report(out, lang, report, streams)
    with unit_of_work() as session:
        approval = approve_round(session, round_id=report.round_id or 0, manager=DEMO_MANAGERS[1])
    out.print(
        msg("award.approved", lang, round=approval.round_id, funded=approval.funded, waitlisted=approval.waitlisted,
            declined=approval.declined, milestones=approval.milestones),
        markup=False,
    )  # fmt: skip
    _letters(call_code, approval.round_id, lang, out)


def _letters(call_code: str, round_id: int, lang: Lang, out: Console) -> None:
    """The round's decision letters, with where they are."""
    from grants.settings import get_settings
    from workflows.notices import round_notices_flow
    from workflows.runtime import run_flow

    folder = (get_settings().home / "demo" / "notices").resolve()
    report = run_flow(round_notices_flow, round_id=round_id, out_dir=str(folder / f"round-{round_id}"),
                      actor=DEMO_MANAGERS[1])  # fmt: skip
    out.print(msg("notices.done", lang, generated=report.generated, total=report.total, folder=report.folder),
              markup=False)  # fmt: skip
    _reporting_year(call_code, lang, out)


def _reporting_year(call_code: str, lang: Lang, out: Console) -> None:
    """A simulated year of progress reports (some late), the overdue check, and the managers' report."""
    from grants.db import unit_of_work
    from grants.milestones import simulate_reporting
    from grants.settings import get_settings
    from scoring.reporting import INDICATORS
    from workflows.milestones import milestone_check_flow
    from workflows.report import report_flow
    from workflows.runtime import run_flow

    folder = (get_settings().home / "demo").resolve()
    with unit_of_work() as session:
        as_of, submitted, late = simulate_reporting(
            session, call_code=call_code, indicators=list(INDICATORS), seed=2026, actor=DEMO_MANAGERS[1]
        )
    if submitted or late:
        out.print(msg("demo.reporting", lang, submitted=submitted, late=late, day=as_of.isoformat()), markup=False)
        check = run_flow(milestone_check_flow, today=as_of.isoformat(), out_dir=str(folder / "notices" / "reminders"),
                         actor=DEMO_MANAGERS[1])  # fmt: skip
        out.print(msg("milestones.check", lang, today=check.today, overdue=check.newly_overdue,
                      reminders=check.reminders), markup=False)  # fmt: skip
    files = run_flow(report_flow, call_code=call_code, out_dir=str(folder / "report"), lang=lang)
    out.print(msg("report.done", lang, workbook=files.workbook, charts=len(files.charts), folder=folder / "report"),
              markup=False)  # fmt: skip
