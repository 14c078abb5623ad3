"""Letters for an approved round: written once, recorded, finished after an interruption (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
from pathlib import Path

import docx
from sqlalchemy import Engine, delete
from sqlmodel import select

from grants.awards import approve_round
from grants.db import unit_of_work
from grants.models import Notice
from grants.notice_records import mark_sent
from tests.factories import reviewed_applications
from workflows.awards import award_round_flow
from workflows.notices import round_notices_flow
from workflows.runtime import run_flow


def _approved_round(engine: Engine, tmp_path: Path) -> int:
    reviewed_applications(engine, tmp_path)
    policy = tmp_path / "tight.toml"
    policy.write_text("envelopes = { csf = 300000 }\nregion_floors = {}\npartial_funding = false\n", encoding="utf-8")
    report = run_flow(award_round_flow, call_code="csf-2026", policy_file=str(policy), seed=5, actor="Manager A")
    with unit_of_work(engine) as session:
        approve_round(session, round_id=report.round_id or 0, manager="Manager B")
    return report.round_id or 0


def test_round_notices_flow_writes_each_letter_once_and_finishes_after_an_interruption(
    engine: Engine, tmp_path: Path
) -> None:
    round_id = _approved_round(engine, tmp_path)
    out = tmp_path / "letters"

    first = run_flow(round_notices_flow, round_id=round_id, out_dir=str(out))
    files = sorted(p.name for p in out.glob("*.docx"))
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.docx")}
    with unit_of_work(engine) as session:  # a crash after writing this file, before recording it
        session.execute(delete(Notice).where(Notice.dedupe_key.like("%:declined:%")))  # type: ignore[attr-defined]
    second = run_flow(round_notices_flow, round_id=round_id, out_dir=str(out))
    third = run_flow(round_notices_flow, round_id=round_id, out_dir=str(out))

    assert (first.generated, first.total, second.generated, second.total, third.generated) == (5, 5, 1, 5, 0)
    assert files == [
        "CSF-2026-00001-funded-en.docx",
        "CSF-2026-00002-funded-en.docx",
        "CSF-2026-00003-waitlisted-en.docx",
        "CSF-2026-00004-waitlisted-en.docx",
        "CSF-2026-00005-declined-en.docx",
    ]
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.docx")}
    assert {k: v for k, v in after.items() if "declined" not in k} == {
        k: v for k, v in before.items() if "declined" not in k
    }
    assert after["CSF-2026-00005-declined-en.docx"][1] == before["CSF-2026-00005-declined-en.docx"][1]
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        manifest = list(csv.DictReader(handle))
    assert [(r["reference"], r["kind"], r["language"], r["file"]) for r in manifest] == [
        (name[:14], name[15:].rsplit("-", 1)[0], "en", name) for name in files
    ]
    with unit_of_work(engine) as session:
        assert {n.file_path: n.sha256 for n in session.exec(select(Notice))} == {
            str(out / r["file"]): r["sha256"] for r in manifest
        }
    funded = docx.Document(str(out / "CSF-2026-00001-funded-en.docx"))
    assert "$125,000.00" in "\n".join(p.text for p in funded.paragraphs)


def test_mark_sent_records_each_letter_once(engine: Engine, tmp_path: Path) -> None:
    round_id = _approved_round(engine, tmp_path)
    run_flow(round_notices_flow, round_id=round_id, out_dir=str(tmp_path / "letters"))

    with unit_of_work(engine) as session:
        first = mark_sent(session, round_id=round_id, actor="clerk")
    with unit_of_work(engine) as session:
        second = mark_sent(session, round_id=round_id, actor="clerk")

    assert (first, second) == (5, 0)
