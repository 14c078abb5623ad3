"""The daily milestone check: one reminder letter per overdue milestone, however often it runs."""

from __future__ import annotations

from pathlib import Path

import docx
from sqlalchemy import Engine
from sqlmodel import select

from grants.db import unit_of_work
from grants.milestones import sign_agreement
from grants.models import Milestone, Notice
from tests.factories import FUNDED_REFERENCE as REF
from tests.factories import funded_application
from workflows.milestones import milestone_check_flow
from workflows.runtime import run_flow


def test_milestone_check_reminds_once_per_overdue_milestone(sqlite_engine: Engine, tmp_path: Path) -> None:
    funded_application(sqlite_engine, tmp_path)
    with unit_of_work(sqlite_engine) as session:
        sign_agreement(session, reference=REF, actor="org")
    out = tmp_path / "reminders"

    first = run_flow(milestone_check_flow, today="2027-01-02", out_dir=str(out))
    second = run_flow(milestone_check_flow, today="2027-01-03", out_dir=str(out))
    later = run_flow(milestone_check_flow, today="2027-07-02", out_dir=str(out))

    assert [(r.newly_overdue, r.reminders) for r in (first, second, later)] == [(1, 1), (0, 0), (1, 1)]
    assert sorted(p.name for p in out.glob("*.docx")) == [
        "CSF-2026-00001-reminder-2-en.docx",
        "CSF-2026-00001-reminder-3-en.docx",
    ]
    with unit_of_work(sqlite_engine) as session:
        assert len(session.exec(select(Notice).where(Notice.kind == "reminder")).all()) == 2
        held = session.exec(select(Milestone.amount_cents).where(Milestone.status == "overdue")).all()
    assert sorted(held) == [2_083_333, 2_083_334]
    letter = "\n".join(p.text for p in docx.Document(str(out / "CSF-2026-00001-reminder-2-en.docx")).paragraphs)
    assert "$20,833.34" in letter
