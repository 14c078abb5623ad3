"""Benchmark: the whole pipeline on a 10,000-application synthetic call, embedded, and Prefect's share of it.

One seeded call (``grants.synth``: 10,000 applications and 1,500 reviewers, the demo's ratio of 60 per 400;
1,000 would leave about 21,000 review places for the 24,600 that 8,200 eligible applications need) goes
through the pipeline twice, the way ``grants demo`` runs it, each time on its own fresh SQLite database in a
temporary GRANTS_HOME:

- "flows": each stage as its Prefect flow through ``workflows.runtime.run_flow`` (Prefect's ephemeral mode;
  its one-time server start is done and timed first, apart, and is not in the total);
- "direct": the same stages without Prefect: each flow body replicated here with its tasks' ``.fn``
  (``flow.fn()`` would still run the tasks through Prefect's engine).

Stages, in order: intake (with receipt letters), screening (with ineligibility letters), reviewer import,
declared-conflict import, assignment (conflict detection included), review simulation (service), review
summary, award round, approval (service), round notices (decision letters), reporting simulation (service),
milestone check (with reminders). A service is called the same way in both runs. Each stage runs both ways
one after the other, alternating which goes first, so that other work on the machine weighs on both alike;
an untimed warm-up on a small call first runs every stage both ways (lazy imports, templates). Both runs
must reach the same outcome (stage reports; row counts per table; statuses, decisions, notices), or the
script fails (the stage records that the flows' ``record_stage_result`` hook writes exist only in the flows
run: a Prefect cost, left out of the comparison). Per stage: wall time both ways and overhead =
(flow - direct) / flow, and the same in CPU seconds (this process, its render workers and Prefect's server
process) as a cross-check.
Target: total under 60 s, Prefect's overhead under 10%.
Last line: total_s=... prefect_overhead=... (total_s: the flow run's stages; overhead: a fraction of it)
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# Keep this folder off the import path (bench/ holds scripts named like the packages they measure).
# Render workers are spawned processes that import this file again: nothing heavy runs at import.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

ACTOR = "bench"
MANAGERS = ("Claire Beaulieu", "Daniel Whitehorse")  # as in the demo: one runs the round, the other approves it
SEED = 2026  # reviews, award round and reporting, as in the demo


@dataclass
class Run:
    """One pass of the pipeline: its folder and database, stage times and reports, and its outcome."""

    name: str
    home: Path
    flows: bool  # stages as Prefect flows, or their bodies called directly
    times: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # this process, its render workers, Prefect's server
    server_cpu: dict[str, float] = field(default_factory=dict)  # Prefect's server process alone
    reports: dict[str, Any] = field(default_factory=dict)
    outcome: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    """A stage: its flow (None for a service, called the same way in both runs), its direct runner, its inputs."""

    name: str
    flow: Callable[..., Any] | None
    direct: Callable[..., Any]
    parameters: Callable[[Run], dict[str, Any]]


# --- switching databases ------------------------------------------------------------------


def activate(run: Run) -> None:
    """Point the engine at ``run``'s folder: its own SQLite database and output files."""
    from grants.db import _engine_for, get_engine
    from grants.settings import get_settings

    if _engine_for.cache_info().currsize:
        get_engine().dispose()  # the other run's database
    os.environ["GRANTS_HOME"] = str(run.home)
    os.environ["GRANTS_DATABASE_URL"] = f"sqlite:///{(run.home / 'grants.db').resolve()}"
    get_settings.cache_clear()
    _engine_for.cache_clear()


def prepare(run: Run, call_file: Path) -> None:
    """A fresh database for ``run``, migrated, holding the call."""
    from grants.calls import save_call
    from grants.callspec import load_call_spec
    from grants.db import get_engine, unit_of_work
    from grants.migrate import upgrade

    activate(run)
    upgrade(get_engine())
    with unit_of_work() as session:
        save_call(session, spec=load_call_spec(call_file), actor=ACTOR)


# --- CPU time: this process, its finished children (render workers) and its live ones (Prefect's server) ---


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds so far: this process with its finished children, and its live children."""
    own, done = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + done.ru_utime + done.ru_stime, live_children_cpu()


def live_children_cpu() -> float:
    """CPU seconds of this process's running children (from /proc; 0 where there is none)."""
    me, ticks, total = str(os.getpid()), os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if fields[1] == me:  # ppid; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / ticks


# --- the stages, without Prefect: each flow body with its tasks' .fn ------------------------


def intake_direct(call_code: str, path: str, out_dir: str, actor: str) -> Any:
    """``intake_flow`` with receipts."""
    from dataclasses import replace

    from workflows.intake import (
        FileProblem,
        receipt_letters,
        store_valid_rows,
        validate_intake_file,
        write_intake_files,
    )

    validated = validate_intake_file.fn(call_code, path)
    if isinstance(validated, FileProblem):
        raise SystemExit(f"intake refused the file: {validated.en}")
    stored = store_valid_rows.fn(call_code, validated, actor)
    report = write_intake_files.fn(call_code, path, validated, stored, out_dir)
    return replace(report, receipts=receipt_letters.fn(call_code, stored, out_dir, actor))


def screening_direct(call_code: str, actor: str) -> Any:
    """``screening_flow`` with letters."""
    from workflows.screening import ineligibility_letters, screen_submitted

    summary = screen_submitted.fn(call_code, actor)
    if summary.ineligible:
        summary.letters = ineligibility_letters.fn(call_code, actor)
    return summary


def reviewers_direct(call_code: str, path: str, out_dir: str, actor: str) -> Any:
    """``reviewers_import_flow``."""
    from workflows.assignment import import_reviewer_file

    return import_reviewer_file.fn(call_code, path, out_dir, actor)


def conflicts_direct(call_code: str, path: str, out_dir: str, actor: str) -> Any:
    """``conflicts_import_flow``: declarations, and replacements for any reviewer they recuse."""
    from workflows.assignment import ImportReport, import_declarations

    report = import_declarations.fn(call_code, path, out_dir, actor)
    if report.problem_en or not report.recused:
        return report
    filled = assign_direct(call_code, "total", actor)
    return ImportReport(**{**report.__dict__, "replaced": filled.assigned})


def assign_direct(call_code: str, mode: Literal["total", "fairness"], actor: str) -> Any:
    """``workflows.assignment.assign``: conflict detection, then the assignment."""
    from grants.calls import call_spec, get_call
    from grants.db import unit_of_work
    from workflows.assignment import (
        AssignmentReport,
        detect_and_store_conflicts,
        load_assignment_inputs,
        solve_assignment,
        store_solution,
    )

    detected = detect_and_store_conflicts.fn(call_code, actor)
    with unit_of_work() as session:
        regions = [r.code for r in call_spec(get_call(session, call_code)).regions]
    inputs = load_assignment_inputs.fn(call_code)
    solution = solve_assignment.fn(inputs, regions, mode)
    if solution.problem is not None:
        return AssignmentReport(0, 0, 0, 0.0, 0.0, detected.added + detected.unchanged,
                                solution.problem.en, solution.problem.fr)  # fmt: skip
    stored = store_solution.fn(call_code, solution.pairs, actor)
    return AssignmentReport(
        applications=stored.applications,
        assigned=stored.assigned,
        moved_to_review=stored.moved_to_review,
        objective=solution.objective,
        lowest=solution.lowest,
        detected_conflicts=detected.added + detected.unchanged,
    )


def summary_direct(call_code: str, actor: str) -> Any:
    """``review_summary_flow`` (additive method)."""
    from workflows.scoring import aggregate_reviews, load_reviews, store_results

    data = load_reviews.fn(call_code)
    result = aggregate_reviews.fn(data, "additive")
    return store_results.fn(call_code, result, "additive", actor)


def award_direct(call_code: str, seed: int, actor: str) -> Any:
    """``award_round_flow`` (the call's own policy, an initial round, not a dry run)."""
    from grants.errors import DomainError
    from workflows.awards import _refused, load_round_inputs, run_allocation, store_round

    inputs = load_round_inputs.fn(call_code, None, seed, None, "initial")
    if isinstance(inputs, DomainError):
        return _refused(inputs)
    result = run_allocation.fn(inputs)
    stored = store_round.fn(call_code, inputs, result, False, actor, "initial")
    return _refused(stored) if isinstance(stored, DomainError) else stored


def notices_direct(round_id: int, out_dir: str, actor: str) -> Any:
    """``round_notices_flow``."""
    from grants.errors import DomainError
    from workflows.notices import NoticeReport, generate_letters, manifest_for, owed_round_letters

    jobs = owed_round_letters.fn(round_id)
    if isinstance(jobs, DomainError):
        return NoticeReport(0, 0, out_dir, "", jobs.en, jobs.fr)
    generated = generate_letters.fn(jobs, out_dir, actor)
    manifest, total = manifest_for.fn(out_dir, round_id, None)
    return NoticeReport(generated, total, out_dir, manifest)


def milestones_direct(today: str, out_dir: str, actor: str) -> Any:
    """``milestone_check_flow`` for a given day."""
    from workflows.milestones import CheckReport, mark_overdue, send_reminders

    overdue = mark_overdue.fn(today, actor)
    sent, folder = send_reminders.fn(out_dir, actor)
    return CheckReport(today, overdue, sent, folder)


# --- services (the same call in both runs) --------------------------------------------------


def simulate_reviews_service(call_code: str) -> Any:
    from grants.db import unit_of_work
    from grants.reviews import simulate_reviews

    with unit_of_work() as session:
        return simulate_reviews(session, call_code=call_code, seed=SEED, actor=ACTOR)


def approve_service(round_id: int) -> Any:
    from grants.awards import approve_round
    from grants.db import unit_of_work

    with unit_of_work() as session:
        return approve_round(session, round_id=round_id, manager=MANAGERS[1])


def reporting_service(call_code: str) -> Any:
    from grants.db import unit_of_work
    from grants.milestones import simulate_reporting
    from scoring.reporting import INDICATORS

    with unit_of_work() as session:
        return simulate_reporting(
            session, call_code=call_code, indicators=list(INDICATORS), seed=SEED, actor=MANAGERS[1]
        )


# --- the pipeline ----------------------------------------------------------------------------


def pipeline(files: Any, call_code: str) -> list[Stage]:
    """The demo's stages in its order, with the demo's options."""
    from workflows.assignment import assignment_flow, conflicts_import_flow, reviewers_import_flow
    from workflows.awards import award_round_flow
    from workflows.intake import intake_flow
    from workflows.milestones import milestone_check_flow
    from workflows.notices import round_notices_flow
    from workflows.scoring import review_summary_flow
    from workflows.screening import screening_flow

    def out(run: Run, *parts: str) -> str:
        return str(run.home.joinpath("files", *parts))

    def round_id(run: Run) -> int:
        return int(run.reports["award round"].round_id or 0)

    call = {"call_code": call_code}
    return [
        Stage("intake", intake_flow, intake_direct, lambda run: {
            **call, "path": str(files.applications_file), "out_dir": out(run, "intake"), "actor": ACTOR}),
        Stage("screening", screening_flow, screening_direct, lambda run: {**call, "actor": ACTOR}),
        Stage("reviewer import", reviewers_import_flow, reviewers_direct, lambda run: {
            **call, "path": str(files.reviewers_file), "out_dir": out(run, "reviewers"), "actor": ACTOR}),
        Stage("conflict import", conflicts_import_flow, conflicts_direct, lambda run: {
            **call, "path": str(files.conflicts_file), "out_dir": out(run, "conflicts"), "actor": ACTOR}),
        Stage("assignment", assignment_flow, assign_direct, lambda run: {**call, "mode": "total", "actor": ACTOR}),
        Stage("reviews (service)", None, simulate_reviews_service, lambda run: call),
        Stage("review summary", review_summary_flow, summary_direct, lambda run: {**call, "actor": ACTOR}),
        Stage("award round", award_round_flow, award_direct, lambda run: {
            **call, "seed": SEED, "actor": MANAGERS[0]}),
        Stage("approval (service)", None, approve_service, lambda run: {"round_id": round_id(run)}),
        Stage("round notices", round_notices_flow, notices_direct, lambda run: {
            "round_id": round_id(run), "out_dir": out(run, "notices", f"round-{round_id(run)}"),
            "actor": MANAGERS[1]}),
        Stage("reporting (service)", None, reporting_service, lambda run: call),
        Stage("milestone check", milestone_check_flow, milestones_direct, lambda run: {
            "today": run.reports["reporting (service)"][0].isoformat(), "out_dir": out(run, "notices", "reminders"),
            "actor": MANAGERS[1]}),
    ]  # fmt: skip


def run_stage(run: Run, stage: Stage) -> None:
    """One stage of one run, timed (wall and CPU); a refused stage stops the benchmark."""
    from workflows.runtime import run_flow

    activate(run)
    parameters = stage.parameters(run)
    cpu, start = cpu_seconds(), time.perf_counter()
    flow = stage.flow if run.flows else None
    report = run_flow(flow, **parameters) if flow is not None else stage.direct(**parameters)
    run.times[stage.name] = time.perf_counter() - start
    process, server = (after - before for after, before in zip(cpu_seconds(), cpu, strict=True))
    run.cpu[stage.name], run.server_cpu[stage.name] = process + server, server
    run.reports[stage.name] = report
    problem = getattr(report, "problem_en", None)
    if problem:
        raise SystemExit(f"{run.name} run, stage {stage.name}: {problem}")


def run_both(stages: list[Stage], flows: Run, direct: Run, *, verbose: bool) -> None:
    """Each stage in the flows run and in the direct run, one after the other (alternating which goes first),
    so that both see the same machine: other work on it shifts both times alike."""
    for i, stage in enumerate(stages):
        for run in (flows, direct) if i % 2 == 0 else (direct, flows):
            run_stage(run, stage)
        if verbose:
            print(
                f"  {stage.name:<20} flow {flows.times[stage.name]:6.2f} s   direct {direct.times[stage.name]:6.2f} s",
                flush=True,
            )
    for run in (flows, direct):
        activate(run)
        run.outcome = outcome()


# --- the outcome, compared between runs ------------------------------------------------------


def outcome() -> dict[str, Any]:
    """Row counts per table (the flows' own stage records aside), statuses, decisions and notices."""
    from sqlalchemy import inspect, text

    from grants.db import get_engine

    engine = get_engine()
    tables = sorted(set(inspect(engine).get_table_names()) - {"stagerun", "alembic_version"})

    def grouped(sql: str) -> dict[str, tuple[Any, ...]]:
        return {str(key): tuple(values) for key, *values in connection.execute(text(sql))}

    with engine.connect() as connection:
        rows = {t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
        statuses = grouped("SELECT status, count(*) FROM application GROUP BY status")
        decisions = grouped("SELECT outcome, count(*), sum(amount_cents) FROM decision GROUP BY outcome")
        notices = grouped("SELECT kind, count(*) FROM notice GROUP BY kind")
    return {"rows": rows, "statuses": statuses, "decisions": decisions, "notices": notices}


def comparable(value: Any, home: Path) -> Any:
    """A stage report as JSON, with this run's folder and time-stamped file names masked."""
    from grants.stage_runs import jsonable

    value = jsonable(value)
    if isinstance(value, dict):
        return {k: comparable(v, home) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v, home) for v in value]
    if isinstance(value, str) and str(home) in value:
        return "<file>"
    return value


def differences(a: Run, b: Run) -> list[str]:
    found = []
    for name in a.reports:
        left, right = comparable(a.reports[name], a.home), comparable(b.reports.get(name), b.home)
        if left != right:
            found.append(f"stage {name}: {a.name} {left} != {b.name} {right}")
    for key in a.outcome:
        if a.outcome[key] != b.outcome[key]:
            found.append(f"{key}: {a.name} {a.outcome[key]} != {b.name} {b.outcome[key]}")
    return found


# --- Prefect's one-time start ------------------------------------------------------------------


def start_prefect() -> float:
    """Start Prefect's ephemeral backend and its engine (a trivial flow with a task); seconds taken."""
    from prefect import flow, task

    from workflows.runtime import run_flow

    @task
    def one() -> int:
        return 1

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return one() + 1

    start = time.perf_counter()
    if run_flow(warm_up) != 2:
        raise SystemExit("Prefect's warm-up flow returned a wrong value")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=1_500, help="the demo's ratio (60 per 400 applications)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic call")
    parser.add_argument("--warm-up", type=int, default=200, help="applications of the untimed warm-up call (0: none)")
    args = parser.parse_args()
    started = time.perf_counter()

    home = Path(tempfile.mkdtemp(prefix="grants-bench-pipeline-"))
    os.environ["GRANTS_HOME"] = str(home)
    for key in ("GRANTS_DATABASE_URL", "PREFECT_API_URL", "PREFECT_HOME"):
        os.environ.pop(key, None)
    try:
        measure(args, home, started)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def measure(args: argparse.Namespace, home: Path, started: float) -> None:
    # Everything the stages import, loaded before any timing (workflows configures Prefect first).
    import workflows.assignment
    import workflows.awards
    import workflows.intake
    import workflows.milestones
    import workflows.notices
    import workflows.scoring
    import workflows.screening  # noqa: F401
    from grants.callspec import load_call_spec
    from grants.synth import generate

    start = time.perf_counter()
    files = generate(home / "synth", applications=args.applications, reviewers=args.reviewers, seed=args.seed)
    call_code = load_call_spec(files.call_file).code
    print(
        f"synthetic call {call_code}: {files.applications} applications ({files.planted_invalid} invalid, "
        f"{files.planted_ineligible} ineligible planted), {files.reviewers} reviewers, {files.conflicts} declared "
        f"conflicts, generated in {time.perf_counter() - start:.1f} s",
        flush=True,
    )
    prefect_start = start_prefect()
    print(f"Prefect's one-time start (ephemeral server, engine): {prefect_start:.1f} s, not in the total", flush=True)

    if args.warm_up:
        # Both ways once on a small call, so that neither timed run pays a first use (lazy imports, templates).
        start = time.perf_counter()
        small = generate(home / "warm-up", applications=args.warm_up,
                         reviewers=max(10, args.warm_up * 3 // 20), seed=args.seed)  # fmt: skip
        runs = Run("flows", home / "warm-up-flows", flows=True), Run("direct", home / "warm-up-direct", flows=False)
        for run in runs:
            prepare(run, small.call_file)
        run_both(pipeline(small, call_code), *runs, verbose=False)
        print(f"warm-up on {args.warm_up} applications, both ways: {time.perf_counter() - start:.1f} s", flush=True)

    flows, direct = Run("flows", home / "flows", flows=True), Run("direct", home / "direct", flows=False)
    for run in (flows, direct):
        prepare(run, files.call_file)
    print("stages, each run in both ways in turn:", flush=True)
    stages = pipeline(files, call_code)
    run_both(stages, flows, direct, verbose=True)
    found = differences(flows, direct)
    if found:
        for line in found:
            print(f"MISMATCH {line}", file=sys.stderr)
        raise SystemExit("the flows and direct runs reached different outcomes")
    o = flows.outcome
    print(
        "same outcome both ways: statuses "
        + ", ".join(f"{k} {n}" for k, (n,) in sorted(o["statuses"].items()))
        + "; decisions "
        + ", ".join(f"{k} {n}" for k, (n, _) in sorted(o["decisions"].items()))
        + "; notices "
        + ", ".join(f"{k} {n}" for k, (n,) in sorted(o["notices"].items()))
    )

    columns = ("flow s", "direct s", "overhead", "flow cpu", "direct cpu", "cpu ovh", "server cpu")
    print(f"{'stage':<20}" + "".join(f"{c:>11}" for c in columns))
    rows = [(name, flows.times[name], direct.times[name], flows.cpu[name], direct.cpu[name],
             flows.server_cpu[name] - direct.server_cpu[name]) for name in flows.times]  # fmt: skip
    rows.append(("total", *(sum(column) for column in list(zip(*rows, strict=True))[1:])))
    for name, flow_s, direct_s, flow_cpu, direct_cpu, server in rows:
        print(
            f"{name:<20}{flow_s:>11.2f}{direct_s:>11.2f}{(flow_s - direct_s) / flow_s:>11.1%}"
            f"{flow_cpu:>11.2f}{direct_cpu:>11.2f}{(flow_cpu - direct_cpu) / flow_cpu:>11.1%}{server:>+11.2f}"
        )
    total, total_direct = rows[-1][1], rows[-1][2]
    overhead = (total - total_direct) / total
    print(
        "cpu: CPU seconds of this process, its render workers and Prefect's server process, a cross-check on the "
        "wall times that other work on the machine moves less; server cpu: the server process's CPU seconds in "
        "the flows run minus those in the direct run (where it idles)"
    )
    flow_stages = [stage.name for stage in stages if stage.flow is not None]
    flow_only, direct_only = sum(flows.times[n] for n in flow_stages), sum(direct.times[n] for n in flow_stages)
    print(
        f"the {len(flow_stages)} flow stages alone (services aside: the same code both ways, so their difference "
        f"is the machine's noise): {flow_only:.2f} s as flows, {direct_only:.2f} s direct, overhead "
        f"{(flow_only - direct_only) / flow_only:.1%}, {(flow_only - direct_only) / len(flow_stages):.2f} s per flow"
    )
    met = total < 60 and overhead < 0.10
    print(
        f"target total < 60 s and overhead < 10%: {'met' if met else 'NOT met'}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(f"total_s={total:.1f} prefect_overhead={overhead:.3f}")


if __name__ == "__main__":
    main()
