"""The reviewer pool: file validation and idempotent import (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from grants.db import unit_of_work
from grants.models import AuditEvent, Reviewer
from grants.reviewers import validate_reviewers
from grants.tabular import read_table
from tests.factories import REVIEWER_COLUMNS, add_reviewers, create_example_call, example_spec, reviewer_row, write_rows


def _problems(tmp_path: Path, rows: list[dict[str, str]]) -> list[tuple[int, str, str]]:
    checked = validate_reviewers(read_table(write_rows(tmp_path / "r.csv", rows, REVIEWER_COLUMNS)), example_spec())
    return [(e.row, e.column, e.reason_en) for e in checked.errors]


def test_validate_reviewers_good_row_is_parsed() -> None:
    import pandas as pd

    frame = pd.DataFrame([reviewer_row(1, email="Marie.Cote@Example.ORG", expertise="Youth; legal; youth")])

    checked = validate_reviewers(frame, example_spec())

    assert checked.errors == []
    row = checked.rows[0]
    assert (row.row, row.name, row.email, row.expertise, row.languages, row.indigenous_expertise, row.max_load) == (
        2,
        "Reviewer 1 Lavoie",
        "marie.cote@example.org",
        ("youth", "legal"),
        ("en", "fr"),
        False,
        10,
    )


def test_validate_reviewers_each_bad_cell_is_reported_with_its_row(tmp_path: Path) -> None:
    rows = [
        reviewer_row(1, email="not-an-email"),
        reviewer_row(2, expertise="astrology"),
        reviewer_row(3, languages="es"),
        reviewer_row(4, languages=""),
        reviewer_row(5, indigenous_expertise="maybe"),
        reviewer_row(6, max_load="0"),
        reviewer_row(7, max_load="ten"),
        reviewer_row(8, regions="yukon"),
        reviewer_row(9, name=""),
        reviewer_row(10, email="reviewer1@example.org"),
        reviewer_row(11, email="reviewer1@example.org"),
    ]

    assert _problems(tmp_path, rows) == [
        (2, "email", "not a valid e-mail address"),
        (
            3,
            "expertise",
            "unknown expertise 'astrology'; expected: awareness, evaluation, health, housing, indigenous_healing, "
            "labour_trafficking, legal, survivor_services, training, youth",
        ),
        (4, "languages", "unknown language 'es'; expected: en, fr"),
        (5, "languages", "name at least one language"),
        (6, "indigenous_expertise", "answer yes or no"),
        (7, "max_load", "must be between 1 and 200"),
        (8, "max_load", "not a whole number"),
        (
            9,
            "regions",
            "unknown region 'yukon'; expected: central, east, northeast, northwest, toronto, west",
        ),
        (10, "name", "required value is empty"),
        (12, "email", "duplicate of row 11 (same e-mail)"),
    ]


def test_store_reviewers_twice_changes_nothing_and_a_changed_row_updates(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    first = add_reviewers(engine, tmp_path / "a.csv", [reviewer_row(1), reviewer_row(2)])

    again = add_reviewers(engine, tmp_path / "b.csv", [reviewer_row(1), reviewer_row(2)])
    changed = add_reviewers(engine, tmp_path / "c.csv", [reviewer_row(1, max_load="25"), reviewer_row(2)])

    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    with unit_of_work(engine) as session:
        reviewers = session.exec(select(Reviewer).order_by(Reviewer.email)).all()
        assert [(r.email, r.max_load, r.normalized_affiliation) for r in reviewers] == [
            ("reviewer1@example.org", 25, "independent evaluators 1"),
            ("reviewer2@example.org", 10, "independent evaluators 2"),
        ]
        actions = [
            e.action
            for e in session.exec(
                select(AuditEvent).where(AuditEvent.entity == "reviewer").order_by(col(AuditEvent.id))
            )
        ]
        assert actions == ["reviewer.added", "reviewer.added", "reviewer.updated"]
