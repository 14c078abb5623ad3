"""A small call with every kind of person the API serves, and their tokens.

- CSF-2026-00001 (A): in review; reviewer 1 assigned, reviewer 3 assigned then conflicted.
- CSF-2026-00002 (B): in review; reviewer 2 assigned. Its applicant is "another applicant".
- CSF-2026-00003 (C): funded by an approved round (milestones), with one letter on file.
The call's dates are moved so that it is open and its reviews unlocked today.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from grants.access import add_manager, reviewer_token
from grants.assignment import store_assignment
from grants.awards import DecisionRow, approve_round, inputs_fingerprint, record_round, resolve_policy
from grants.calls import get_call, save_call
from grants.callspec import parse_call_text
from grants.conflicts import DECLARED, ConflictRow, store_declared
from grants.db import unit_of_work
from grants.models import Application, ApplicationScore, Notice, Reviewer
from tests.factories import EXAMPLE_CALL, add_reviewers, application_row, reviewer_row, take_in

SHIFTS = {
    "opens_at = 2026-01-12T09:00:00": "opens_at = 2026-11-02T09:00:00",
    "closes_at = 2026-03-13T17:00:00": "closes_at = 2027-03-12T17:00:00",
    "deadline = 2026-05-15T17:00:00": "deadline = 2027-05-14T17:00:00",
}


def open_call_toml(code: str = "csf-2026", prefix: str = "CSF-2026") -> str:
    """The example call, open today (2026-11-29) with reviews unlocked."""
    text = EXAMPLE_CALL.read_text(encoding="utf-8")
    for old, new in SHIFTS.items():
        assert old in text
        text = text.replace(old, new)
    return text.replace('code = "csf-2026"', f'code = "{code}"', 1).replace(
        'reference_prefix = "CSF-2026"', f'reference_prefix = "{prefix}"', 1
    )


@dataclass
class World:
    tokens: dict[str, str]  # applicant_own, applicant_other, reviewer_assigned, reviewer_unassigned, ...
    own: str  # C: the funded application of "applicant_own"
    reviewed: str  # A: assigned to reviewer 1, conflicted for reviewer 3
    notice_id: int
    secrets: list[str]  # what must never reach someone not entitled to it


def build_world(engine: Engine, tmp_path: Path) -> World:
    with unit_of_work(engine) as session:
        save_call(session, spec=parse_call_text(open_call_toml()), actor="setup")
    rows = [
        application_row(1, organization_name="Northern Lights Shelter", project_title="Safe rooms in Timmins"),
        application_row(2, organization_name="Lakeshore Outreach", project_title="Drop-in support in Toronto"),
        application_row(3, organization_name="Ottawa Survivors Network", project_title="Housing navigation"),
    ]
    stored = take_in(engine, tmp_path / "apps.csv", rows)
    tokens = {
        "applicant_reviewed": stored.created[0].token,
        "applicant_other": stored.created[1].token,
        "applicant_own": stored.created[2].token,
    }
    add_reviewers(
        engine,
        tmp_path / "reviewers.csv",
        [
            reviewer_row(1, name="Ada Assigned"),
            reviewer_row(2, name="Uma Unassigned"),
            reviewer_row(3, name="Carl Conflicted"),
        ],
    )
    with unit_of_work(engine) as session:
        call = get_call(session, "csf-2026")
        apps = {a.reference: a for a in session.exec(select(Application).order_by(col(Application.id))).all()}
        a, b, c = (apps[f"CSF-2026-0000{n}"] for n in (1, 2, 3))
        for app in (a, b):
            app.status = "eligible"  # type: ignore[assignment]
            session.add(app)
        c.status = "reviewed"  # type: ignore[assignment]
        session.add(c)
        session.add(
            ApplicationScore(
                application_id=c.id or 0, calibrated=4.5, standard_error=0.1, rank=1, tie_group=1, n_reviews=3
            )
        )
        session.flush()
        reviewers = {r.email: r.id or 0 for r in session.exec(select(Reviewer)).all()}
        r1, r2, r3 = (reviewers[f"reviewer{n}@example.org"] for n in (1, 2, 3))
        store_assignment(
            session,
            call_code=call.code,
            pairs=[(a.id or 0, r1, 1.0), (b.id or 0, r2, 1.0), (a.id or 0, r3, 1.0)],
            actor="setup",
        )
        store_declared(
            session,
            call=call,
            rows=[ConflictRow(r3, a.id or 0, DECLARED, "Board member", "Board member")],
            actor="setup",
        )
        award_round = record_round(
            session,
            call_code=call.code,
            policy=resolve_policy(parse_call_text(open_call_toml()), None, seed=1),
            decisions=[DecisionRow(c.id or 0, "funded", 12_500_000, None, "rank", "Funded.", "Financée.")],
            report={},
            inputs_hash=inputs_fingerprint(session, call=call),
            dry_run=False,
            run_by="Round Runner",
            kind="initial",
        )
        round_id = award_round.id or 0
    with unit_of_work(engine) as session:
        approve_round(session, round_id=round_id, manager="Round Approver")
        letter = tmp_path / "letter.docx"
        letter.write_bytes(b"PK\x03\x04 a letter")
        notice = Notice(
            dedupe_key=f"funded:{c.id}:{round_id}",
            application_id=c.id or 0,
            kind="funded",
            round_id=round_id,
            language="en",
            file_path=str(letter),
            sha256="0" * 64,
        )
        session.add(notice)
        session.flush()
        notice_id = notice.id or 0
        for key, email in (("reviewer_assigned", 1), ("reviewer_unassigned", 2), ("reviewer_conflicted", 3)):
            tokens[key] = reviewer_token(
                session, email=f"reviewer{email}@example.org", call_code=None, actor="setup"
            ).token
        tokens["manager"] = add_manager(session, name="Mina Manager", actor="setup").token
    return World(
        tokens=tokens,
        own="CSF-2026-00003",
        reviewed="CSF-2026-00001",
        notice_id=notice_id,
        secrets=[
            "Northern Lights",
            "Lakeshore",
            "Ottawa Survivors",
            "Safe rooms",
            "Drop-in",
            "Housing navigation",
            "Ada Assigned",
            "Uma Unassigned",
            "Carl Conflicted",
            "@example.org",
            "@safeharbour.ca",
            "125",
        ],
    )


class FakeLauncher:
    """Records the stages it is asked to start; the real launcher is tested with real flow runs."""

    def __init__(self) -> None:
        self.started: list[tuple[str, dict[str, object], str]] = []

    def warm(self) -> None:
        return None

    def start(self, stage: str, parameters: dict[str, object], *, requested_by: str, call_code: str | None) -> str:
        import uuid

        from grants.stage_runs import start_run

        run_id = str(uuid.uuid4())
        with unit_of_work() as session:
            start_run(
                session,
                flow_run_id=run_id,
                stage=stage,
                call_code=call_code,
                parameters=parameters,
                requested_by=requested_by,
            )
        self.started.append((stage, parameters, requested_by))
        return run_id

    def state(self, run_id: str) -> object:
        from workflows.stages import RunState

        return RunState("PENDING", "Pending")

    def shutdown(self) -> None:
        return None


def add_round(decisions: list[tuple[str, str, int, int | None]], *, dry_run: bool = True, kind: str = "initial") -> int:
    """A round of the call with these (reference, outcome, amount in cents, waitlist position) decisions."""
    with unit_of_work() as session:
        call = get_call(session, "csf-2026")
        ids = dict(session.exec(select(Application.reference, Application.id)).all())
        award_round = record_round(
            session,
            call_code=call.code,
            policy=resolve_policy(parse_call_text(open_call_toml()), None, seed=11),
            decisions=[
                DecisionRow(ids[ref] or 0, outcome, cents, position, "rank", "Decided.", "Décidée.")
                for ref, outcome, cents, position in decisions
            ],
            report={},
            inputs_hash=inputs_fingerprint(session, call=call),
            dry_run=dry_run,
            run_by="Round Runner",
            kind=kind,  # type: ignore[arg-type]
        )
        return award_round.id or 0
