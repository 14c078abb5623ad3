"""Benchmark: intake plus screening of a 10,000-application synthetic file.

Runs the real flows on the embedded default (SQLite + Prefect's ephemeral mode) in a
temporary GRANTS_HOME, after Prefect's one-time server start (timed apart), and
prints the rows per second next to a plain pandas read of the same file (the floor).
Target: intake + screening under 5 s. Last line: total_s=... rows_per_s=... pandas_read_s=...
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="grants-bench-"))
    os.environ["GRANTS_HOME"] = str(home)
    for key in ("GRANTS_DATABASE_URL", "PREFECT_API_URL"):
        os.environ.pop(key, None)

    import pandas as pd

    from grants.calls import save_call
    from grants.callspec import load_call_spec
    from grants.db import get_engine, unit_of_work
    from grants.migrate import upgrade
    from grants.synth import generate
    from workflows.intake import intake_flow
    from workflows.runtime import run_flow
    from workflows.screening import screening_flow

    files = generate(home / "synth", applications=args.applications, reviewers=50, seed=args.seed)
    engine = get_engine()
    upgrade(engine)
    with unit_of_work(engine) as session:
        spec = load_call_spec(files.call_file)
        save_call(session, spec=spec, actor="bench")

    start = time.perf_counter()
    run_flow(screening_flow, call_code=spec.code, letters=False)  # nothing to screen yet: starts Prefect's server
    prefect_start = time.perf_counter() - start

    start = time.perf_counter()
    frame = pd.read_csv(files.applications_file, dtype=str, keep_default_na=False)
    pandas_read = time.perf_counter() - start

    start = time.perf_counter()
    # Receipt letters are the notices stage's work (bench/notices.py measures rendering).
    intake = run_flow(
        intake_flow, call_code=spec.code, path=str(files.applications_file), out_dir=str(home / "out"), receipts=False
    )
    intake_s = time.perf_counter() - start
    start = time.perf_counter()
    screening = run_flow(screening_flow, call_code=spec.code, letters=False)
    screening_s = time.perf_counter() - start
    total = intake_s + screening_s

    print(f"rows in file: {len(frame)}; accepted {intake.accepted}, rejected {intake.rejected}")
    print(
        f"screened {screening.screened}: {screening.eligible} eligible, {screening.ineligible} ineligible, "
        f"{screening.needs_review} held for review",
    )
    print(f"prefect_start_s={prefect_start:.2f} intake_s={intake_s:.2f} screening_s={screening_s:.2f}")
    print(f"total_s={total:.2f} rows_per_s={len(frame) / total:.0f} pandas_read_s={pandas_read:.3f}")


if __name__ == "__main__":
    main()
