"""Benchmark: the applicant status route over HTTP, next to a bare FastAPI route (the floor).

Stores --applications seeded applications of the example call (screened, so each has eligibility
results and a two-step history) in a temporary GRANTS_HOME on the embedded default (SQLite +
Prefect's ephemeral mode), then starts uvicorn servers on loopback, one process each, access log
off: the real app (``api.app:create_app``, its lifespan warms Prefect) and a bare FastAPI app
whose async route returns a constant as large as a status answer (the floor: the same server and
framework, the same bytes on the wire, no work; a sync route returning the same constant, and a
15-byte constant, are measured too, for context). A second process loads them with --threads
keep-alive connections: the floor and the status route take turns (--rounds slices of
--duration/--rounds timed seconds each, after --warmup seconds, the order alternating), so that
the machine's drift in speed during a run weighs on both alike. The status route is
``GET /api/v1/applications/{reference}`` with each application's own bearer token, cycling
through every application in a shuffled order, so that an application is asked for again
about every --applications requests; the app serves a kept answer again while the database is
unchanged (api/status_answers.py). For context, a second copy of the app keeping no answers
(GRANTS_STATUS_ANSWERS_KEPT=0), where every ask reads the database, is loaded for one slice.
Any answer other than 200 is an error: the run prints them and exits non-zero. Target: at
least half the floor's throughput and p99 under 50 ms.
Last line: rps=... floor_rps=... p50_ms=... p99_ms=... sync_floor_rps=... tiny_floor_rps=... uncached_rps=...
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import multiprocessing
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# This script shares its name with the `api` package: drop its own folder from the import path so
# that `api` is the package, here and in the servers and load process started from here.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
STATUS_PATH = "/api/v1/applications/{reference}"
HEALTH_PATH = "/api/v1/health"
FLOOR_PATH = "/floor"
SYNC_FLOOR_PATH = "/floor-sync"  # context: the same constant from a sync route (a worker-thread hop)
TINY_FLOOR_PATH = "/floor-tiny"  # context: a 15-byte constant, so the client reads almost nothing
READY_TIMEOUT_S = 120.0

# The floor: a bare FastAPI app served like the real one, whose async route returns a constant as
# large as a status answer (argv[3] bytes of JSON), so that both put the same bytes on the wire and
# the same reading on the load process, which shares the machine's cores with the server: no
# threadpool hop, no database, the least any route of that answer's size can cost on this server.
FLOOR_SERVER = """
import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI()
SIZED = {"status": "ok", "padding": "x" * max(0, int(sys.argv[3]) - 30)}


@app.get("/floor")
async def floor() -> dict[str, str]:
    return SIZED


@app.get("/floor-sync")
def floor_sync() -> dict[str, str]:
    return SIZED


@app.get("/floor-tiny")
async def floor_tiny() -> dict[str, str]:
    return {"status": "ok"}


uvicorn.run(app, host=sys.argv[1], port=int(sys.argv[2]), log_level="warning", access_log=False)
"""

REGIONS = ("toronto", "central", "east", "west", "northeast", "northwest")


def application_row(n: int) -> dict[str, str]:
    """The ``n``-th application: mostly eligible, a few ineligible or held for review, 30% in French."""
    french = n % 10 < 3
    org_type = "municipality" if n % 50 == 7 else "nonprofit"  # screened by the fund office: held
    return {
        "external_id": f"PORTAL-{n:06d}",
        "submitted_at": f"2026-02-{1 + n % 28:02d}T{9 + n % 8:02d}:{n % 60:02d}:00",
        "organization_name": f"{'Services communautaires' if french else 'Community Services'} {n}",
        "organization_type": org_type,
        "registration_number": f"{100000000 + n}RR0001",
        "organization_region": REGIONS[n % len(REGIONS)],
        "province": "QC" if n % 25 == 3 else "ON",  # ineligible: not in Ontario
        "indigenous_led": "no",
        "contact_name": "Marie Tremblay" if french else "John Smith",
        "contact_email": f"info{n}@example.ca",
        "board_members": "Anne Côté; John Smith",
        "key_staff": "Lucie Martin",
        "partner_organizations": "Sudbury Police Service; Health Sciences North",
        "project_title": f"Safe pathways for survivors, project {n}",
        "project_summary": (
            "Trauma-informed navigation and transitional support for survivors of human trafficking, "
            "delivered with local partners across the region."
        ),
        "stream": "csf",
        "regions_served": f"{REGIONS[n % len(REGIONS)]}; {REGIONS[(n + 1) % len(REGIONS)]}",
        "populations_served": "youth; women",
        "requested_amount": str(25_000 + (n * 997) % 275_000),
        "total_budget": "400000",
        "start_date": "2026-07-01",
        "duration_months": str(12 + n % 25),
        "language": "fr" if french else "en",
    }


def prepare(count: int) -> tuple[list[tuple[str, str]], str]:
    """Store ``count`` applications and screen them; (reference, token) pairs and a screening summary."""
    import pandas as pd

    from grants.applications import store_intake
    from grants.calls import save_call
    from grants.callspec import load_call_spec
    from grants.db import get_engine, unit_of_work
    from grants.intake import EXPECTED_COLUMNS, validate_rows
    from grants.migrate import upgrade
    from grants.screening import screen_call

    engine = get_engine()
    upgrade(engine)
    spec = load_call_spec(ROOT / "examples" / "csf-2026.toml")
    frame = pd.DataFrame([application_row(n) for n in range(1, count + 1)], columns=list(EXPECTED_COLUMNS), dtype=str)
    checked = validate_rows(frame, spec)
    if checked.errors:
        raise SystemExit(f"{len(checked.errors)} invalid rows, first: {checked.errors[0]}")
    with unit_of_work(engine) as session:
        call, _ = save_call(session, spec=spec, actor="bench")
        stored = store_intake(session, call=call, rows=checked.rows, actor="bench")
    with unit_of_work(engine) as session:
        summary = screen_call(session, call_code=spec.code, actor="bench")
    engine.dispose()
    screened = f"{summary.eligible} eligible, {summary.ineligible} ineligible, {summary.needs_review} held for review"
    return [(issued.reference, issued.token) for issued in stored.created], screened


# --- servers ------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(name: str, command: list[str], port: int, logs: Path, env: dict[str, str] | None = None) -> Server:
    """Start a server in its own session (so that it and its children can be ended together)."""
    log = logs / f"{name}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, process, port, log)


def log_tail(server: Server, lines: int = 30) -> str:
    text = server.log.read_text(encoding="utf-8", errors="replace") if server.log.exists() else ""
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


def note_log(server: Server) -> None:
    """One line when a server wrote anything (it runs at log level warning, so normally nothing)."""
    lines = server.log.read_text(encoding="utf-8", errors="replace").splitlines() if server.log.exists() else []
    if lines:
        print(f"note: the {server.name} server wrote {len(lines)} log lines, the first: {lines[0][:200]}")


def wait_ready(server: Server, path: str, deadline: float) -> None:
    """Wait until ``path`` answers 200 (the app's lifespan, Prefect's start included, has run)."""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(
                f"the {server.name} server exited with code {server.process.returncode}:\n{log_tail(server)}"
            )
        conn = http.client.HTTPConnection(HOST, server.port, timeout=2)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise SystemExit(
        f"the {server.name} server did not answer {path} within {READY_TIMEOUT_S:.0f} s:\n{log_tail(server)}"
    )


def stop_server(server: Server) -> None:
    """SIGTERM (uvicorn's graceful shutdown runs the lifespan's end), then SIGKILL to the session if needed."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
    # Whatever the server started (Prefect's embedded server) lives in its session.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.process.pid, signal.SIGKILL)


# --- load ---------------------------------------------------------------------------------


@dataclass
class Load:
    """What the load process measured: latencies (s) of requests started in the timed window."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # the first few error answers
    duration: float = 0.0


def generate_load(
    port: int, targets: list[tuple[str, dict[str, str]]], threads: int, warmup: float, duration: float
) -> Load:
    """Run in a second process: ``threads`` keep-alive connections, each cycling through its share of targets."""
    load = Load(duration=duration)
    lock = threading.Lock()
    start_gate = threading.Barrier(threads)

    def worker(offset: int) -> None:
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        samples: list[str] = []
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        start_gate.wait()
        timed_from = begin + warmup
        end = timed_from + duration
        i = offset
        clock = time.perf_counter
        while True:
            started = clock()
            if started >= end:
                break
            path, headers = targets[i % len(targets)]
            i += threads
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] += 1
                if len(samples) < 3:
                    samples.append(f"GET {path}: {exc!r}")
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                continue
            if started >= timed_from:
                latencies.append(clock() - started)
            if status != 200:
                errors[f"HTTP {status}"] += 1
                if len(samples) < 3:
                    samples.append(f"GET {path}: {status} {body[:200]!r}")
        conn.close()
        with lock:
            load.latencies.extend(latencies)
            load.errors.update(errors)
            load.samples.extend(samples[: max(0, 5 - len(load.samples))])

    begin = time.perf_counter() + 0.05
    pool = [threading.Thread(target=worker, args=(offset,)) for offset in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return load


def run_load(
    port: int, targets: list[tuple[str, dict[str, str]]], threads: int, warmup: float, duration: float
) -> Load:
    """The load generator in a second (spawned) process, so that it never shares the servers' GIL."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        load: Load = pool.apply(generate_load, (port, targets, threads, warmup, duration))
    return load


def merged(loads: list[Load]) -> Load:
    """Several timed slices of one route's load as one."""
    whole = Load(duration=sum(load.duration for load in loads))
    for load in loads:
        whole.latencies.extend(load.latencies)
        whole.errors.update(load.errors)
        whole.samples.extend(load.samples[: max(0, 5 - len(whole.samples))])
    return whole


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Figures:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def figures(load: Load) -> Figures:
    ordered = sorted(load.latencies)
    if not ordered:
        return Figures(0, 0.0, math.nan, math.nan, sum(load.errors.values()))
    return Figures(
        requests=len(ordered),
        rps=len(ordered) / load.duration,
        p50_ms=percentile(ordered, 0.50) * 1000,
        p99_ms=percentile(ordered, 0.99) * 1000,
        errors=sum(load.errors.values()),
    )


def check_one(port: int, reference: str, token: str) -> int:
    """One status answer, read in full: it is this application's file, and a wrong token is refused.

    Returns the answer's size in bytes (the floor's constant is made as large).
    """
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        path = STATUS_PATH.format(reference=reference)
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
        view: dict[str, Any] = json.loads(body)
        if view.get("status", {}).get("reference") != reference:
            raise SystemExit(f"GET {path} answered another application's file: {body[:300]!r}")
        conn.request("GET", path, headers={"Authorization": "Bearer not-a-token"})
        response = conn.getresponse()
        response.read()
        if response.status != 401:
            raise SystemExit(f"GET {path} with a wrong token answered {response.status}, not 401")
    finally:
        conn.close()
    return len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=4, help="keep-alive connections of the load process")
    parser.add_argument("--warmup", type=float, default=0.5, help="seconds of load before each timed slice")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of timed load per route")
    parser.add_argument("--rounds", type=int, default=4, help="turns the floor and the status route take")
    parser.add_argument("--seed", type=int, default=2026, help="order in which the applications are asked for")
    args = parser.parse_args()
    started = time.perf_counter()

    home = Path(tempfile.mkdtemp(prefix="grants-bench-api-"))
    os.environ["GRANTS_HOME"] = str(home)
    for key in ("GRANTS_DATABASE_URL", "PREFECT_API_URL", "PREFECT_HOME"):
        os.environ.pop(key, None)
    logs = home / "logs"
    logs.mkdir()
    servers: list[Server] = []
    try:
        pairs, screened = prepare(args.applications)
        print(f"{len(pairs)} applications stored and screened: {screened} ({time.perf_counter() - started:.1f} s)")
        random.Random(args.seed).shuffle(pairs)
        targets = [
            (STATUS_PATH.format(reference=reference), {"Authorization": f"Bearer {token}"})
            for reference, token in pairs
        ]

        python = sys.executable
        app_port, floor_port = free_port(), free_port()
        app_command = [python, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", HOST]
        app_command += ["--log-level", "warning", "--no-access-log", "--port"]
        servers.append(start_server("app", [*app_command, str(app_port)], app_port, logs))
        ready_from = time.perf_counter()
        wait_ready(servers[-1], HEALTH_PATH, time.monotonic() + READY_TIMEOUT_S)
        print(f"app ready in {time.perf_counter() - ready_from:.1f} s (its lifespan warms Prefect)")
        # Context: the same app keeping no answers, so that every ask reads the database (its own Prefect home).
        uncached_port = free_port()
        uncached_env = {"GRANTS_STATUS_ANSWERS_KEPT": "0", "PREFECT_HOME": str(home / "prefect-uncached")}
        servers.append(start_server("uncached app", [*app_command, str(uncached_port)], uncached_port, logs,
                                    uncached_env))  # fmt: skip
        wait_ready(servers[-1], HEALTH_PATH, time.monotonic() + READY_TIMEOUT_S)
        size = check_one(app_port, *pairs[0])
        floor_command = [python, "-c", FLOOR_SERVER, HOST, str(floor_port), str(size)]
        servers.append(start_server("floor", floor_command, floor_port, logs))
        wait_ready(servers[-1], FLOOR_PATH, time.monotonic() + READY_TIMEOUT_S)
        print(f"floor ready: its constant is {size} bytes of JSON, like a status answer")

        # The floor and the status route take turns, in --rounds slices each (order alternating), so that
        # a drift in the machine's speed during the run weighs on both alike.
        slice_s = args.duration / args.rounds
        print(
            f"load: {args.threads} keep-alive connections; floor and status route in turns, {args.rounds} x "
            f"{slice_s:g} s timed each after {args.warmup:g} s of warm-up"
        )
        floor_slices: list[Load] = []
        status_slices: list[Load] = []
        for turn in range(args.rounds):
            pair = [(floor_slices, floor_port, [(FLOOR_PATH, {})]), (status_slices, app_port, targets)]
            for slices, port, paths in pair if turn % 2 == 0 else reversed(pair):
                slices.append(run_load(port, paths, args.threads, args.warmup, slice_s))
            print(
                f"  turn {turn + 1}: floor {figures(floor_slices[-1]).rps:.0f}, "
                f"status {figures(status_slices[-1]).rps:.0f} requests/s"
            )
        floor_load, status_load = merged(floor_slices), merged(status_slices)
        floor, status = figures(floor_load), figures(status_load)
        sync_floor_load = run_load(floor_port, [(SYNC_FLOOR_PATH, {})], args.threads, args.warmup, slice_s)
        sync_floor = figures(sync_floor_load)
        tiny_floor_load = run_load(floor_port, [(TINY_FLOOR_PATH, {})], args.threads, args.warmup, slice_s)
        tiny_floor = figures(tiny_floor_load)
        uncached_load = run_load(uncached_port, targets, args.threads, args.warmup, slice_s)
        uncached = figures(uncached_load)
        print(
            f"  context: sync floor {sync_floor.rps:.0f}, tiny floor {tiny_floor.rps:.0f}, "
            f"status keeping no answers {uncached.rps:.0f} requests/s"
        )

        print(f"{'route':<44} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for label, row in (
            (f"floor GET {FLOOR_PATH} (async, {size} B)", floor),
            (f"sync floor GET {SYNC_FLOOR_PATH} ({size} B)", sync_floor),
            (f"tiny floor GET {TINY_FLOOR_PATH} (async, 15 B)", tiny_floor),
            (f"status GET {STATUS_PATH}", status),
            ("status, no answers kept (every ask read)", uncached),
        ):
            print(
                f"{label:<44} {row.requests:>9} {row.rps:>8.0f} {row.p50_ms:>8.1f} {row.p99_ms:>8.1f} {row.errors:>7}"
            )
        failed = False
        loads = (("floor", floor_load), ("sync floor", sync_floor_load), ("tiny floor", tiny_floor_load),
                 ("status route", status_load), ("status route keeping no answers", uncached_load))  # fmt: skip
        for name, load in loads:
            if load.errors:
                failed = True
                print(f"{name} errors: " + ", ".join(f"{kind} x{n}" for kind, n in load.errors.most_common()))
                for sample in load.samples:
                    print(f"    {sample}")
        if failed:
            raise SystemExit(1)
        ratio = status.rps / floor.rps
        met = ratio >= 0.5 and status.p99_ms < 50
        print(
            f"status/floor throughput {ratio:.2f} (target >= 0.50), p99 {status.p99_ms:.1f} ms (target < 50): "
            f"{'met' if met else 'NOT met'}; against the sync floor {status.rps / sync_floor.rps:.2f}, "
            f"against the tiny floor {status.rps / tiny_floor.rps:.2f}; keeping no answers "
            f"{uncached.rps / floor.rps:.2f} of the floor; "
            f"{time.perf_counter() - started:.0f} s in all"
        )
        print(
            f"rps={status.rps:.0f} floor_rps={floor.rps:.0f} p50_ms={status.p50_ms:.1f} p99_ms={status.p99_ms:.1f} "
            f"sync_floor_rps={sync_floor.rps:.0f} tiny_floor_rps={tiny_floor.rps:.0f} uncached_rps={uncached.rps:.0f}"
        )
    finally:
        for server in servers:
            stop_server(server)
            note_log(server)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
